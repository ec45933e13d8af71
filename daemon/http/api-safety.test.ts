import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from '../../test/helpers/self-signed-cert.js';
import { MAX_QUERY_BYTES } from './request-limits.js';
import { ADMIN_TOKEN, ApiTestApp } from './testing/api-test-app.js';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function call(
  url: string,
  init: RequestInit = {},
): Promise<{
  status: number;
  headers: Headers;
  body: { error?: { code: string; message: string; field?: string } };
}> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

describe('API safety: limits, JSON errors, headers', () => {
  let t: ApiTestApp;
  beforeAll(async () => {
    t = await ApiTestApp.start();
  });
  afterAll(async () => {
    await t.stop();
  });

  it.each([
    ['unknown API path', '/api/v1/nope', {}, 404, 'not_found'],
    ['unknown root path', '/nope', {}, 404, 'not_found'],
    [
      'other method on a GET path',
      '/api/v1/forecasts',
      { method: 'DELETE', headers: admin },
      405,
      'method_not_allowed',
    ],
    ['GET on a POST-only path', '/api/v1/targets/edge-proxy/pause', {}, 405, 'method_not_allowed'],
    [
      'mutation without a token (before routing)',
      '/api/v1/forecasts',
      { method: 'POST' },
      401,
      'unauthorized',
    ],
    [
      'a body that is not JSON',
      '/api/v1/targets/edge-proxy/pause',
      { method: 'POST', headers: { ...admin, 'content-type': 'text/plain' }, body: 'pause please' },
      415,
      'unsupported_media_type',
    ],
    [
      'malformed JSON',
      '/api/v1/targets/edge-proxy/pause',
      { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: '{"reason":' },
      400,
      'entity.parse.failed',
    ],
    [
      'a body over 64 KiB',
      '/api/v1/silences',
      {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({ comment: 'x'.repeat(70 * 1024) }),
      },
      413,
      'entity.too.large',
    ],
    [
      'a query string over the limit',
      `/api/v1/forecasts?provider=${'a'.repeat(MAX_QUERY_BYTES)}`,
      {},
      414,
      'query_too_long',
    ],
    [
      // Refused by Node's parser before any route runs (api-server answerClientErrors).
      'a request line over 16 KiB',
      `/api/v1/forecasts?provider=${'a'.repeat(17 * 1024)}`,
      {},
      431,
      'headers_too_large',
    ],
  ] as const)('%s: %i as JSON', async (_name, path, init, status, code) => {
    const res = await call(`${t.url}${path}`, init as RequestInit);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.error).toMatchObject({ code, message: expect.any(String) });
  });

  it('names the allowed methods on 405 and the body on malformed JSON', async () => {
    const wrong = await call(`${t.url}/api/v1/silences`, { method: 'PUT', headers: admin });
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, POST');
    const malformed = await call(`${t.url}/api/v1/silences`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: '[1,',
    });
    expect(malformed.body.error?.field).toBe('body');
  });

  it('sets security headers on answers and errors alike', async () => {
    for (const path of ['/healthz', '/api/v1/status', '/api/v1/nope', '/openapi.json']) {
      const res = await fetch(`${t.url}${path}`);
      await res.arrayBuffer();
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security'), path).toMatch(/max-age=/);
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
  });
});

describe('API rate limit', () => {
  let t: ApiTestApp;
  beforeAll(async () => {
    t = await ApiTestApp.start({ api: { rateLimit: { enabled: true, maxRequests: 5, windowSeconds: 60 } } });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers 429 as JSON with Retry-After past the limit, counting failed auth too; health is exempt', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(`${t.url}/api/v1/targets`)).status);
    // Wrong tokens count: guessing the admin token is limited like anything else.
    for (let i = 0; i < 2; i++) {
      const res = await call(`${t.url}/api/v1/targets/edge-proxy/pause`, {
        method: 'POST',
        headers: { authorization: 'Bearer guess-0123456789abcdef' },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 401, 401]);
    const limited = await call(`${t.url}/api/v1/targets`, { headers: admin });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.headers.get('ratelimit-policy')).toMatch(/q=5; w=60/);
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${t.url}${path}`);
        await res.arrayBuffer();
        expect([path, res.status]).toEqual([path, 200]);
      }
    }
  });
});

describe('API over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-api-tls-'));
  const cert = selfSignedCert();
  let t: ApiTestApp;
  beforeAll(async () => {
    writeFileSync(join(dir, 'cert.pem'), cert.certPem);
    writeFileSync(join(dir, 'key.pem'), cert.keyPem);
    t = await ApiTestApp.start({
      api: { tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } },
    });
  });
  afterAll(async () => {
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (url: string, ca?: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpsRequest(url, { ca: ca ?? [], headers: admin }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('serves https with the configured certificate, verified against it as the CA', async () => {
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await get(`${t.url}/api/v1/targets`, cert.certPem);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ targets: [{ id: 'edge-proxy' }] });
    // An untrusted certificate is refused by the client, and plain http gets no answer.
    await expect(get(`${t.url}/healthz`, undefined)).rejects.toThrow(/self[- ]signed|certificate/i);
    await expect(fetch(`${t.url.replace('https', 'http')}/healthz`)).rejects.toThrow();
  });
});
