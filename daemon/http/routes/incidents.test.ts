import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalyRecord } from '../../../alerts/testing/records.js';
import { ApiHarness, type Json, READ_TOKEN } from './alerts-routes-harness.js';

let h: ApiHarness;
const T0 = Date.UTC(2026, 0, 5, 14, 0);

beforeAll(async () => {
  h = await ApiHarness.start();
  const at = (offsetMs: number, provider: string | undefined, service: string, endpoint?: string) =>
    anomalyRecord({
      timeMs: T0 + offsetMs,
      provider,
      service,
      endpoint,
      signal: 'latency_p95_ms',
      observed: 700,
      expected: 200,
      score: 0.9,
    });
  // stripe (two services), twilio, and an inbound incident on checkout (no provider).
  await h.alerts.ingest({
    anomalies: [
      at(0, 'stripe', 'checkout', '/v1/charges'),
      at(0, 'stripe', 'billing', '/v1/invoices'),
      at(0, 'twilio', 'notifier', '/Messages'),
    ],
  });
  h.clock.advance(60_000);
  await h.alerts.tick();
  h.clock.advance(20 * 60_000);
  await h.alerts.tick();
  await h.alerts.ingest({
    anomalies: [
      anomalyRecord({
        timeMs: h.clock.now(),
        service: 'checkout',
        signal: 'request_rate',
        observed: 900,
        expected: 300,
      }),
    ],
  });
  h.clock.advance(60_000);
  await h.alerts.tick();
});
afterAll(() => h.stop());

const ids = (body: Json): string[] =>
  (body.incidents as { id: string }[]).map((i) => i.id.split('-')[0]!).sort();

describe('GET /api/v1/incidents', () => {
  it('lists incidents with their timelines, newest first', async () => {
    const res = await h.request('GET', '/incidents', { token: READ_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(3);
    const [newest] = res.body.incidents;
    expect(newest).toMatchObject({ status: 'open', tags: { service: 'checkout' } });
    expect(newest.timeline.map((e: { kind: string }) => e.kind)).toEqual(['opened', 'notified']);
    const stripe = res.body.incidents.find(
      (i: { tags: { provider?: string } }) => i.tags.provider === 'stripe',
    );
    expect(stripe).toMatchObject({
      status: 'resolved',
      notifications: 2,
      facts: { services: ['billing', 'checkout'] },
    });
    expect(stripe.timeline.map((e: { kind: string }) => e.kind)).toEqual([
      'opened',
      'spread',
      'notified',
      'resolved',
      'notified',
    ]);
  });

  it.each([
    ['?status=open', ['checkout']],
    ['?status=resolved', ['stripe', 'twilio']],
    ['?provider=stripe', ['stripe']],
    ['?service=checkout', ['checkout', 'stripe']],
    ['?service=notifier&status=resolved', ['twilio']],
    [`?from=${T0 + 60_000}`, ['checkout']],
    [`?to=2026-01-05T14:10:00Z`, ['stripe', 'twilio']],
    ['?limit=1', ['checkout']],
  ])('filters %s', async (query, expected) => {
    const res = await h.request('GET', `/incidents${query}`, { token: READ_TOKEN });
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(expected);
  });

  it.each([
    ['?status=closed', 'status'],
    ['?from=yesterday', 'from'],
    [`?from=${T0}&to=${T0}`, 'to'],
    ['?limit=0', 'limit'],
    ['?limit=ten', 'limit'],
    ['?severity=critical', 'severity'],
  ])('answers 400 naming the parameter for %s', async (query, field) => {
    const res = await h.request('GET', `/incidents${query}`, { token: READ_TOKEN });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_parameter', field });
  });

  it('needs a read token', async () => {
    expect((await h.request('GET', '/incidents')).status).toBe(401);
  });
});
