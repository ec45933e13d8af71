import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { RegisteredOperation } from './api-registry.js';
import { fuzzCase, type FuzzCase } from './testing/fuzz-arbitraries.js';
import { ADMIN_TOKEN, ApiTestApp, READ_TOKEN } from './testing/api-test-app.js';

/**
 * Runs per endpoint and property, and the seed (fixed per endpoint: the same cases every run).
 * Modest by default to keep the suite fast; `FUZZ_RUNS=2000 FUZZ_SEED=<n>` explores further.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20260105);

/**
 * When one field is made invalid, the error may name a field the rule ties it to (a range
 * check names `from` when `to` moved; an override's value is checked against its control).
 */
const RELATED: Record<string, readonly string[]> = {
  from: ['to', 'step'],
  to: ['from', 'step'],
  step: ['from', 'to'],
  control: ['value', 'subject'],
  subject: ['value'],
  startsMs: ['endsMs'],
  durationMinutes: ['endsMs'],
  endsMs: ['durationMinutes'],
};

interface Answer {
  status: number;
  text: string;
  json: { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined;
}

async function send(
  base: string,
  op: RegisteredOperation,
  c: FuzzCase,
  headers: Record<string, string>,
): Promise<Answer> {
  const path = op.path.replace(/:([A-Za-z_]\w*)/g, (_m, name: string) => c.pathValues[name] ?? '');
  const res = await fetch(`${base}/api/v1${path}${c.query ? `?${c.query}` : ''}`, {
    method: op.method.toUpperCase(),
    headers: {
      ...headers,
      ...(c.bodyText !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(c.bodyText !== undefined ? { body: c.bodyText } : {}),
  });
  const text = await res.text();
  let json: Answer['json'];
  try {
    json = JSON.parse(text) as Answer['json'];
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Whether a 400's `field` names what this case broke (or a field tied to it). */
function namesTheField(c: FuzzCase, field: string): boolean {
  const allowed =
    c.target.kind === 'whole-body'
      ? ['body', ...c.target.keys]
      : [
          c.target.key,
          ...(Object.hasOwn(RELATED, c.target.key) ? RELATED[c.target.key]! : []),
          // A path parameter that does not percent-decode; an empty key has no name of its own.
          ...(c.target.kind === 'param' ? ['path'] : []),
          ...(c.target.key === '' ? [c.target.kind] : []),
        ];
  return allowed.some((name) => field === name || field.startsWith(`${name}.`));
}

/**
 * State an operation's example needs (clearing an override needs one in force); set before every
 * case, so that a 400 can only come from what the case broke.
 */
const PRECONDITIONS: Record<string, (base: string) => Promise<void>> = {
  'post /targets/:id/override/clear': async (base) => {
    const res = await fetch(`${base}/api/v1/targets/edge-proxy/override`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        control: 'replicas',
        subject: { service: 'checkout' },
        value: { replicas: 12 },
        until: '2026-01-05T18:00:00Z',
      }),
    });
    expect(res.status).toBe(200);
  },
};

// Started at collection time, so that each endpoint gets a test of its own (from the registry:
// a route added later is fuzzed without touching this file).
const t = await ApiTestApp.start({ seed: true, api: { readToken: READ_TOKEN } });
const operations: readonly RegisteredOperation[] = t.api.registry.list();

describe('API fuzzing (fast-check, real daemon on EmbeddedStore)', () => {
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  afterAll(async () => {
    await t.stop();
    // Nothing reached Object.prototype (the server runs in this process).
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('covers every endpoint', () => {
    expect(operations.length).toBeGreaterThanOrEqual(18);
  });

  describe.each(operations.map((op, index) => [`${op.method.toUpperCase()} ${op.path}`, op, index] as const))(
    '%s',
    (name, op, index) => {
      it('answers invalid parameters and bodies with a 4xx naming the field, never a 5xx', async () => {
        await fc.assert(
          fc.asyncProperty(fuzzCase(op), async (c) => {
            await PRECONDITIONS[`${op.method} ${op.path}`]?.(t.url);
            const answer = await send(t.url, op, c, { authorization: `Bearer ${ADMIN_TOKEN}` });
            const where = `${name} ${c.describe}: ${answer.status} ${answer.text.slice(0, 300)}`;
            expect(answer.status, where).toBeLessThan(500);
            if (answer.status >= 400) {
              expect(answer.json?.error, where).toMatchObject({
                code: expect.any(String),
                message: expect.any(String),
              });
            }
            if (answer.status === 400) {
              const field = answer.json!.error!.field;
              expect(typeof field === 'string' && field.length > 0, where).toBe(true);
              const code = String(answer.json!.error!.code);
              if (!code.startsWith('entity.')) {
                expect(String(answer.json!.error!.message), where).toContain(String(field));
                expect(namesTheField(c, String(field)), where).toBe(true);
              }
            }
            if (answer.status === op.response.status) {
              const parsed = op.response.schema.safeParse(answer.json);
              expect(parsed.success, `${where} ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
            }
          }),
          { numRuns: RUNS, seed: SEED + index, endOnFailure: true },
        );
        expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      });
    },
  );

  it('changes nothing without the admin token, whatever the credentials and input', async () => {
    const mutating = operations.filter((op) => op.auth === 'admin');
    expect(mutating.map((op) => `${op.method} ${op.path}`).sort()).toEqual([
      'delete /silences/:id',
      'post /silences',
      'post /targets/:id/override',
      'post /targets/:id/override/clear',
      'post /targets/:id/pause',
      'post /targets/:id/resume',
    ]);
    const before = await t.snapshot();
    const credentials = fc.oneof(
      fc.constantFrom(
        undefined,
        `Bearer ${READ_TOKEN}`,
        `Bearer ${ADMIN_TOKEN}x`,
        `Bearer x${ADMIN_TOKEN}`,
        `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
        `Bearer ${ADMIN_TOKEN} ${ADMIN_TOKEN}`,
        ADMIN_TOKEN,
        `Token ${ADMIN_TOKEN}`,
        `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
        'Bearer',
        'Bearer ',
        '',
      ),
      fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => `Bearer ${s}`),
    );
    for (const [i, op] of mutating.entries()) {
      await fc.assert(
        fc.asyncProperty(fuzzCase(op), credentials, async (c, authorization) => {
          // The admin token elsewhere than the Authorization header does not count either.
          const headers: Record<string, string> = { 'x-api-key': ADMIN_TOKEN };
          if (authorization !== undefined) headers.authorization = authorization;
          const answer = await send(
            t.url,
            op,
            { ...c, query: `${c.query}&access_token=${ADMIN_TOKEN}` },
            headers,
          );
          // 401, or 414 for a query over the limit (checked before anything else), or 431 for a
          // request line Node's parser refuses before routing.
          const codes: Record<number, string> = {
            401: 'unauthorized',
            414: 'query_too_long',
            431: 'headers_too_large',
          };
          expect(Object.keys(codes), `${op.path} ${c.describe}: ${answer.status}`).toContain(
            String(answer.status),
          );
          expect(answer.json?.error?.code).toBe(codes[answer.status]);
        }),
        { numRuns: RUNS, seed: SEED + 100 + i, endOnFailure: true },
      );
    }
    expect(await t.snapshot()).toBe(before);
  });
});
