import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ComponentHealth } from '../../core/component.js';
import { apiConfigSchema } from '../config/schema.js';
import { createLogger } from '../logger.js';
import { ApiError } from './api-error.js';
import { ApiServer } from './api-server.js';
import { parseRequest } from './validate.js';

const ADMIN = 'admin-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';

let server: ApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

function logSink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

async function startServer(
  options: { host?: string; readToken?: string; adminToken?: string; state?: ComponentHealth['state'] } = {},
  log = logSink(),
): Promise<string> {
  const logger = createLogger({ level: 'info', format: 'json' }, log.stream);
  server = new ApiServer({
    config: apiConfigSchema.parse({
      host: options.host ?? '127.0.0.1',
      port: 0,
      readToken: options.readToken,
      adminToken: options.adminToken,
    }),
    logger,
    metricsHandler: (_req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end('# metrics\n');
    },
    readiness: async () => ({
      state: options.state ?? 'ok',
      detail: { store: { state: options.state ?? 'ok' } },
    }),
    mountApi: ({ router, auth }) => {
      router.get('/echo', (req, res) => {
        const q = parseRequest(z.strictObject({ n: z.coerce.number().int().min(1) }), req);
        res.json({ n: q.n });
      });
      router.get('/boom', () => {
        throw new Error('secret internals at /etc/shadow');
      });
      router.get('/teapot', () => {
        throw new ApiError(418, 'teapot', 'short and stout');
      });
      router.post('/mutate', auth.requireAdmin, (req, res) => {
        res.json({ got: req.body as unknown });
      });
    },
  });
  await server.start();
  return server.url();
}

describe('ApiServer', () => {
  it('answers /healthz, /readyz (200 when degraded, 503 when down) and /metrics', async () => {
    let url = await startServer({ state: 'degraded' });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, state: 'degraded' });
    expect(await (await fetch(`${url}/metrics`)).text()).toBe('# metrics\n');
    await server!.stop();
    url = await startServer({ state: 'down' });
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
  });

  it('validates parameters with a 400 naming the field', async () => {
    const url = await startServer();
    expect(await (await fetch(`${url}/api/v1/echo?n=3`)).json()).toEqual({ n: 3 });
    const bad = await fetch(`${url}/api/v1/echo?n=zero`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_parameter', field: 'n' } });
    const extra = await fetch(`${url}/api/v1/echo?n=1&x=2`);
    expect(await extra.json()).toMatchObject({ error: { field: 'x' } });
  });

  it('answers errors as JSON without stack traces, 404 for unknown routes', async () => {
    const log = logSink();
    const url = await startServer({}, log);
    const boom = await fetch(`${url}/api/v1/boom`);
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(text).not.toMatch(/shadow|at .*\.ts/);
    expect(log.text()).toContain('request failed');
    expect((await fetch(`${url}/api/v1/teapot`)).status).toBe(418);
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const malformed = await fetch(`${url}/api/v1/mutate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: '{"a":',
    });
    expect(malformed.status).toBe(403); // admin disabled: no token configured
  });

  it('sets security headers', async () => {
    const url = await startServer();
    const res = await fetch(`${url}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('requires the admin token for mutations and rejects malformed JSON with 400', async () => {
    const url = await startServer({ adminToken: ADMIN });
    const post = (token?: string, body = '{"a":1}') =>
      fetch(`${url}/api/v1/mutate`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body,
      });
    expect((await post()).status).toBe(401);
    expect((await post('wrong-token-0123456789abcdef')).status).toBe(401);
    const ok = await post(ADMIN);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ got: { a: 1 } });
    const malformed = await post(ADMIN, '{"a":');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'entity.parse.failed' } });
  });

  it('keeps reads open on loopback without a read token, and requires one when configured', async () => {
    let url = await startServer();
    expect((await fetch(`${url}/api/v1/echo?n=1`)).status).toBe(200);
    await server!.stop();
    url = await startServer({ readToken: READ, adminToken: ADMIN });
    expect((await fetch(`${url}/api/v1/echo?n=1`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    for (const token of [READ, ADMIN]) {
      const res = await fetch(`${url}/api/v1/echo?n=1`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    }
  });
});
