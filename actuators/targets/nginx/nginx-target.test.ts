import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadroomError } from '../../../core/errors.js';
import { NGINX_BINARY, NginxServer } from '../../../test/helpers/nginx-server.js';
import { requireServer } from '../../../test/helpers/server-process.js';
import { actuatorsConfigSchema, type TargetConfigOf } from '../../config.js';
import { LIMITS_FILE, UPSTREAMS_FILE } from './nginx-files.js';
import { NginxTarget } from './nginx-target.js';

const run = requireServer(NGINX_BINARY, 'nginx');
const logger = pino({ level: 'silent' });
const signal = (): AbortSignal => AbortSignal.timeout(20_000);

/** A local upstream answering its own name (and a request counter for the cache test). */
async function backend(name: string): Promise<{ server: Server; port: number; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.end(`${name} ${hits}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, hits: () => hits };
}

function nginxTargetConfig(
  dir: string,
  server: NginxServer | undefined,
  a: number,
  b: number,
): TargetConfigOf<'nginx'> {
  const parsed = actuatorsConfigSchema.parse({
    targets: [
      {
        id: 'edge',
        kind: 'nginx',
        dir,
        ...(server
          ? { pidFile: join(server.dir, 'nginx.pid'), configFile: server.confPath, prefix: server.dir }
          : {}),
        verifyReloadMs: 1_500,
        rateLimits: [
          { subject: { provider: 'api' }, zone: 'api', initial: { ratePerSecond: 1000, burst: 100 } },
        ],
        caches: [
          {
            subject: { provider: 'api', endpoint: '/cached' },
            name: 'api',
            initial: { ttlSeconds: 300, staleOnError: false },
          },
        ],
        upstreams: [
          {
            subject: { provider: 'api' },
            name: 'backend',
            servers: { a: `127.0.0.1:${a}`, b: `127.0.0.1:${b}` },
          },
        ],
      },
    ],
  });
  return parsed.targets[0] as TargetConfigOf<'nginx'>;
}

describe.skipIf(!run)('NginxTarget against a real nginx', () => {
  let nginx: NginxServer;
  let target: NginxTarget;
  let a: Awaited<ReturnType<typeof backend>>;
  let b: Awaited<ReturnType<typeof backend>>;
  let hrDir: string;
  let config: TargetConfigOf<'nginx'>;

  beforeAll(async () => {
    a = await backend('a');
    b = await backend('b');
    hrDir = mkdtempSync(join(tmpdir(), 'headroom-nginx-inc-'));
    writeFileSync(join(hrDir, 'operator.conf'), '# operator-owned\n');
    // Files first (nginx refuses to start on a missing include), then nginx, then the target
    // that knows nginx's pid file.
    config = nginxTargetConfig(hrDir, undefined, a.port, b.port);
    target = new NginxTarget(config, { logger });
    await target.start();
    nginx = await NginxServer.start({
      http: `
  include ${hrDir}/headroom-limits.conf;
  include ${hrDir}/headroom-upstreams.conf;
  include ${hrDir}/operator.conf;
  proxy_cache_path {{DIR}}/cache keys_zone=hr_cache:1m;
  server {
    listen 127.0.0.1:{{PORT}};
    server_name headroom-test;
    location /limited { include ${hrDir}/headroom-limit-api.conf; proxy_pass http://127.0.0.1:${a.port}; }
    location /route { proxy_pass http://backend; }
    location /cached {
      proxy_pass http://127.0.0.1:${b.port};
      proxy_cache hr_cache;
      include ${hrDir}/headroom-cache-api.conf;
      add_header X-Cache-Status $upstream_cache_status always;
    }
  }`,
    });
    config = nginxTargetConfig(hrDir, nginx, a.port, b.port);
    target = new NginxTarget(config, { logger });
    await target.start();
  });

  afterAll(async () => {
    await target?.stop();
    await nginx?.stop();
    a?.server.close();
    b?.server.close();
    if (hrDir) rmSync(hrDir, { recursive: true, force: true });
  });

  /** One request on a fresh connection, so no keep-alive socket outlives a reload's old worker. */
  const get = (path: string): Promise<{ status: number; body: string; cache: string | undefined }> =>
    new Promise((resolve, reject) => {
      const req = request(`${nginx.url}${path}`, { agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            cache: res.headers['x-cache-status'] as string | undefined,
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });

  it('reads back the initial states from its own files', async () => {
    expect(await target.read('rate_limit', { provider: 'api' }, signal())).toEqual({
      ratePerSecond: 1000,
      burst: 100,
    });
    expect(await target.read('cache_ttl', { endpoint: '/cached', provider: 'api' }, signal())).toEqual({
      ttlSeconds: 300,
      staleOnError: false,
    });
    expect(await target.read('routing', { provider: 'api' }, signal())).toEqual({
      weights: { a: 1, b: 1 },
      down: [],
      backup: [],
    });
  });

  it('a new rate limit takes effect: requests beyond it get 429', async () => {
    const before = await Promise.all(Array.from({ length: 5 }, () => get('/limited')));
    expect(before.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    // 1 request per minute, no burst: at most one of a quick series passes (none when the zone
    // remembers a request from the moment before: nginx keeps the bucket across reloads).
    await target.apply(
      { control: 'rate_limit', subject: { provider: 'api' }, desired: { ratePerSecond: 1 / 60, burst: 0 } },
      signal(),
    );
    expect(readFileSync(join(hrDir, LIMITS_FILE), 'utf8')).toContain('rate=1r/m');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await get('/limited')).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(await target.read('rate_limit', { provider: 'api' }, signal())).toEqual({
      ratePerSecond: 1 / 60,
      burst: 0,
    });
    await target.apply(
      { control: 'rate_limit', subject: { provider: 'api' }, desired: { ratePerSecond: 500, burst: 50 } },
      signal(),
    );
    const after: number[] = [];
    for (let i = 0; i < 5; i++) after.push((await get('/limited')).status);
    expect(after).toEqual([200, 200, 200, 200, 200]);
  });

  it('new weights, down and backup flags take effect on the traffic split', async () => {
    const split = async (n: number): Promise<Record<string, number>> => {
      const counts: Record<string, number> = { a: 0, b: 0 };
      for (let i = 0; i < n; i++) counts[(await get('/route')).body.split(' ')[0]!]!++;
      return counts;
    };
    const subject = { provider: 'api' };
    await target.apply(
      { control: 'routing', subject, desired: { weights: { a: 3, b: 1 }, down: [], backup: [] } },
      signal(),
    );
    // nginx's smooth weighted round robin is exact over whole cycles (one worker).
    expect(await split(40)).toEqual({ a: 30, b: 10 });
    await target.apply(
      { control: 'routing', subject, desired: { weights: { a: 50, b: 50 }, down: ['a'], backup: [] } },
      signal(),
    );
    expect(await split(10)).toEqual({ a: 0, b: 10 });
    expect(await target.read('routing', subject, signal())).toEqual({
      weights: { a: 0, b: 50 },
      down: ['a'],
      backup: [],
    });
    await target.apply(
      { control: 'routing', subject, desired: { weights: { a: 1, b: 1 }, down: [], backup: ['b'] } },
      signal(),
    );
    expect(await split(10)).toEqual({ a: 10, b: 0 });
    expect(readFileSync(join(hrDir, UPSTREAMS_FILE), 'utf8')).toMatch(
      /server 127\.0\.0\.1:\d+ weight=1 backup; # endpoint b/,
    );
  });

  it('a new cache TTL takes effect: 0 s caches nothing, 300 s serves hits', async () => {
    const subject = { provider: 'api', endpoint: '/cached' };
    await target.apply(
      { control: 'cache_ttl', subject, desired: { ttlSeconds: 0, staleOnError: false } },
      signal(),
    );
    const off = [await get('/cached?k=1'), await get('/cached?k=1')];
    expect(off.map((r) => r.cache)).toEqual(['MISS', 'MISS']);
    await target.apply(
      { control: 'cache_ttl', subject, desired: { ttlSeconds: 300, staleOnError: true } },
      signal(),
    );
    const on = [await get('/cached?k=2'), await get('/cached?k=2'), await get('/cached?k=2')];
    expect(on.map((r) => r.cache)).toEqual(['MISS', 'HIT', 'HIT']);
    expect(on[1]!.body).toBe(on[0]!.body);
    expect(await target.read('cache_ttl', subject, signal())).toEqual({
      ttlSeconds: 300,
      staleOnError: true,
    });
  });

  it('rolls the files back when nginx -t rejects the configuration (not retryable)', async () => {
    const subject = { provider: 'api' };
    const before = readFileSync(join(hrDir, LIMITS_FILE), 'utf8');
    writeFileSync(join(hrDir, 'operator.conf'), 'this is not nginx;\n');
    try {
      const err = await target
        .apply({ control: 'rate_limit', subject, desired: { ratePerSecond: 7, burst: 1 } }, signal())
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HeadroomError);
      expect(err).toMatchObject({ code: 'nginx_invalid', retryable: false });
      expect((err as Error).message).toMatch(/unknown directive "this"/);
      expect(readFileSync(join(hrDir, LIMITS_FILE), 'utf8')).toBe(before);
    } finally {
      writeFileSync(join(hrDir, 'operator.conf'), '# operator-owned\n');
    }
  });

  it('detects a reload the master refused although nginx -t passed, and rolls back', async () => {
    // Same zone, different key: `nginx -t` accepts it, the running master refuses it at reload.
    const rekeyed = new NginxTarget(
      {
        ...config,
        rateLimits: config.rateLimits.map((l) => ({ ...l, key: '$binary_remote_addr' })),
      },
      { logger },
    );
    const before = readFileSync(join(hrDir, LIMITS_FILE), 'utf8');
    const err = await rekeyed
      .apply(
        { control: 'rate_limit', subject: { provider: 'api' }, desired: { ratePerSecond: 9, burst: 2 } },
        signal(),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'nginx_reload_refused', retryable: false });
    expect(readFileSync(join(hrDir, LIMITS_FILE), 'utf8')).toBe(before);
    expect((await get('/limited')).status).toBe(200);
  });

  it('refuses unknown subjects and endpoints without touching files (not retryable)', async () => {
    const err1 = await target
      .apply(
        { control: 'rate_limit', subject: { provider: 'nope' }, desired: { ratePerSecond: 1, burst: 1 } },
        signal(),
      )
      .catch((e: unknown) => e);
    expect(err1).toMatchObject({ code: 'unknown_subject', retryable: false });
    const err2 = await target
      .apply(
        {
          control: 'routing',
          subject: { provider: 'api' },
          desired: { weights: { a: 1, c: 1 }, down: [], backup: [] },
        },
        signal(),
      )
      .catch((e: unknown) => e);
    expect(err2).toMatchObject({ code: 'invalid_actuation', retryable: false });
  });
});
