import { existsSync, readFileSync, renameSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { NGINX_BINARY, NginxServer } from '../../test/helpers/nginx-server.js';
import { requireServer } from '../../test/helpers/server-process.js';
import { rollupConfigSchema } from '../rollup-config.js';
import { MemoryStore } from '../testing/memory-store.js';
import { testLogger } from '../testing/test-logger.js';
import { nginxLogConfigSchema } from './config.js';
import { NginxLogCollector } from './nginx-log-collector.js';

const LOG_FORMAT = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8').match(
  /```nginx\n(log_format headroom[\s\S]*?;)\n/,
)![1]!;

async function listen(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const run = requireServer(NGINX_BINARY, 'nginx');

describe.runIf(run)('NginxLogCollector with a real nginx and two upstreams', () => {
  let nginx: NginxServer;
  let payments: Server;
  let flaky: Server;

  beforeAll(async () => {
    payments = await listen((req, res) => {
      res.writeHead(req.url?.endsWith('/missing') ? 404 : 200, { 'content-type': 'text/plain' }).end('ok');
    });
    flaky = await listen((_req, res) => {
      res.writeHead(502).end('bad gateway');
    });
    const a = portOf(payments);
    const b = portOf(flaky);
    nginx = await NginxServer.start({
      http: `
  ${LOG_FORMAT}
  map $uri $headroom_route {
    default "";
    ~^/pay/[^/]+$ "/pay/{id}";
  }
  upstream payments { server 127.0.0.1:${a}; }
  upstream flaky { server 127.0.0.1:${b} max_fails=0; server 127.0.0.1:${a} backup; }
  proxy_cache_path {{DIR}}/cache keys_zone=hr:1m;
  server {
    listen 127.0.0.1:{{PORT}};
    access_log {{DIR}}/logs/access.json headroom;
    location /pay/ { proxy_pass http://payments; }
    location /flaky/ { proxy_pass http://flaky; proxy_next_upstream error timeout http_502; }
    location /cached/ { proxy_pass http://payments; proxy_cache hr; proxy_cache_valid 200 1m; }
    location /static { return 200 "static"; }
  }`,
    });
  });

  afterAll(async () => {
    await nginx?.stop();
    payments?.close();
    flaky?.close();
  });

  it('rolls up each upstream try, survives rotation, and skips requests without an upstream', async () => {
    const logPath = join(nginx.dir, 'logs', 'access.json');
    const store = new MemoryStore();
    const a = portOf(payments);
    const b = portOf(flaky);
    const collector = new NginxLogCollector({
      logs: [
        nginxLogConfigSchema.parse({
          name: 'edge',
          path: logPath,
          startAt: 'beginning',
          service: 'storefront',
          region: 'eu-west-1',
          upstreams: { payments: [`127.0.0.1:${a}`], 'flaky-api': [`127.0.0.1:${b}`] },
        }),
      ],
      rollup: rollupConfigSchema.parse({}),
      instance: 'test-1',
      sink: store,
      clock: systemClock,
      logger: testLogger(),
    });
    for (const c of collector.components) await c.start(new AbortController().signal);

    const get = async (path: string) => (await fetch(`${nginx.url}${path}`)).status;
    const lineCount = () =>
      existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n').filter(Boolean).length : 0;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push(await get(`/pay/${1000 + i}`));
    for (let i = 0; i < 2; i++) statuses.push(await get('/pay/missing'));
    for (let i = 0; i < 3; i++) statuses.push(await get('/flaky/x'));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 404, 404, 200, 200, 200]);
    await until(() => lineCount() === 11, '11 log lines');
    await collector.poll();

    // logrotate's way: rename, then tell nginx to reopen its logs (USR1).
    renameSync(logPath, `${logPath}.1`);
    process.kill(Number(readFileSync(join(nginx.dir, 'nginx.pid'), 'utf8')), 'SIGUSR1');
    await until(() => existsSync(logPath), 'nginx to reopen the log');
    for (const path of ['/cached/a', '/cached/a', '/static', '/flaky/y']) expect(await get(path)).toBe(200);
    await until(() => lineCount() === 4, '4 lines in the new log');
    await collector.poll();
    for (const c of [...collector.components].reverse()) await c.stop();

    const totals = new Map<string, { count: number; errors: number; histogram: number }>();
    for (const p of store.all()) {
      expect(p.measurement).toBe('api_calls');
      expect(p.tags).toMatchObject({
        collector: 'nginx:test-1',
        service: 'storefront',
        region: 'eu-west-1',
        method: 'GET',
      });
      const key = `${p.tags.provider} ${p.tags.endpoint} ${p.tags.status_class}`;
      const t = totals.get(key) ?? { count: 0, errors: 0, histogram: 0 };
      t.count += p.count;
      t.errors += p.errors;
      t.histogram += Object.values(p.histogram).reduce((n, c) => n + c, 0);
      totals.set(key, t);
    }
    expect(Object.fromEntries([...totals].map(([k, t]) => [k, [t.count, t.errors]]))).toEqual({
      'payments /pay/{id} 2xx': [6, 0],
      'payments /pay/{id} 4xx': [2, 0],
      // The flaky group's backup server is the payments upstream: its retries count there.
      'payments /flaky/x 2xx': [3, 0],
      'payments /flaky/y 2xx': [1, 0],
      'flaky-api /flaky/x 5xx': [3, 3],
      'flaky-api /flaky/y 5xx': [1, 1],
      // The second /cached/a was a cache HIT: no upstream, no call.
      'payments /cached/a 2xx': [1, 0],
    });
    for (const t of totals.values()) expect(t.histogram).toBe(t.count);
  });
});
