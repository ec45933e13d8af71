import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, ApiHarness, READ_TOKEN } from './alerts-routes-harness.js';

let h: ApiHarness;
beforeAll(async () => {
  h = await ApiHarness.start();
});
afterAll(() => h.stop());

const valid = {
  matchers: { provider: 'stripe' },
  durationMinutes: 60,
  createdBy: 'ana',
  comment: 'stripe maintenance window',
};

describe('POST /api/v1/silences', () => {
  it('creates a silence (admin token)', async () => {
    const res = await h.request('POST', '/silences', { token: ADMIN_TOKEN, body: valid });
    expect(res.status).toBe(201);
    expect(res.body.silence).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      state: 'active',
      matchers: { provider: 'stripe' },
      startsMs: h.clock.now(),
      endsMs: h.clock.now() + 3_600_000,
      createdBy: 'ana',
    });
    expect((await h.store.all('silence')).map((s) => s.id)).toContain(res.body.silence.id);
  });

  it.each([
    [undefined, 401, 'unauthorized'],
    [READ_TOKEN, 401, 'unauthorized'],
  ])('needs the admin token (token %s → %i)', async (token, status, code) => {
    const res = await h.request('POST', '/silences', { ...(token ? { token } : {}), body: valid });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it.each([
    ['matchers', { ...valid, matchers: {} }],
    ['matchers.Provider', { ...valid, matchers: { Provider: 'stripe' } }],
    ['matchers.provider', { ...valid, matchers: { provider: '' } }],
    ['comment', { ...valid, comment: '' }],
    ['createdBy', { matchers: valid.matchers, durationMinutes: 5, comment: 'x' }],
    ['endsMs', { ...valid, endsMs: Date.UTC(2026, 0, 6) }],
    ['endsMs', { matchers: valid.matchers, createdBy: 'ana', comment: 'x' }],
    [
      'endsMs',
      { matchers: valid.matchers, createdBy: 'ana', comment: 'x', endsMs: Date.UTC(2026, 0, 5, 13) },
    ],
    ['durationMinutes', { ...valid, durationMinutes: -5 }],
    ['unexpected', { ...valid, unexpected: true }],
  ])('answers 400 naming "%s"', async (field, body) => {
    const res = await h.request('POST', '/silences', { token: ADMIN_TOKEN, body });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_body', field });
    expect(res.body.error.message).toContain(field);
  });
});

describe('GET and DELETE /api/v1/silences', () => {
  it('lists active silences and expires one (kept for the record)', async () => {
    const created = await h.request('POST', '/silences', {
      token: ADMIN_TOKEN,
      body: { ...valid, matchers: { service: 'checkout' } },
    });
    const id = created.body.silence.id as string;
    const listed = await h.request('GET', '/silences', { token: READ_TOKEN });
    expect(listed.status).toBe(200);
    expect(listed.body.silences.map((s: { id: string }) => s.id)).toContain(id);
    expect((await h.request('DELETE', `/silences/${id}`, { token: READ_TOKEN })).status).toBe(401);
    const deleted = await h.request('DELETE', `/silences/${id}`, { token: ADMIN_TOKEN });
    expect(deleted).toMatchObject({
      status: 200,
      body: { silence: { id, state: 'expired', endsMs: h.clock.now() } },
    });
    const active = await h.request('GET', '/silences', { token: READ_TOKEN });
    expect(active.body.silences.map((s: { id: string }) => s.id)).not.toContain(id);
    const all = await h.request('GET', '/silences?state=all', { token: READ_TOKEN });
    expect(all.body.silences.find((s: { id: string }) => s.id === id)).toMatchObject({ state: 'expired' });
  });

  it.each([
    ['GET', '/silences?state=old', 400, 'state'],
    ['GET', '/silences?foo=1', 400, 'foo'],
    ['DELETE', '/silences/not-a-uuid', 400, 'id'],
    ['DELETE', '/silences/00000000-0000-4000-8000-000000000000', 404, undefined],
  ])('%s %s → %i', async (method, path, status, field) => {
    const res = await h.request(method, path, { token: ADMIN_TOKEN });
    expect(res.status).toBe(status);
    if (field) expect(res.body.error.field).toBe(field);
  });

  it('needs a read token to list', async () => {
    expect((await h.request('GET', '/silences')).status).toBe(401);
  });
});
