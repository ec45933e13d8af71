import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import { bucketIndex } from '../../core/histogram.js';
import { Scheduler } from '../../daemon/scheduler.js';
import { freePort } from '../../test/helpers/free-port.js';
import { rollupConfigSchema } from '../rollup-config.js';
import { MemoryStore } from '../testing/memory-store.js';
import { testLogger } from '../testing/test-logger.js';
import { probeConfigSchema } from './config.js';
import { ProbeCollector } from './probe-collector.js';

describe('ProbeCollector against a local HTTP server', () => {
  let server: Server;
  let base: string;
  const seen: { url: string; apiKey: string | undefined }[] = [];
  const hung: ServerResponse[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', apiKey: req.headers['x-api-key'] as string | undefined });
      if (req.url === '/health') res.writeHead(200).end('{"status":"ok"}');
      else if (req.url === '/down') res.writeHead(503).end('maintenance');
      else if (req.url === '/moved') res.writeHead(301, { location: '/health' }).end();
      else hung.push(res); // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const res of hung) res.destroy();
    server.close();
  });

  it('records latency and status of each probe as api_calls rollups', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const closedPort = await freePort();
    const probes = [
      {
        name: 'stripe-health',
        url: `${base}/health`,
        provider: 'stripe',
        headers: { 'x-api-key': 'sk_test_secret_value' },
      },
      { name: 'twilio-status', url: `${base}/down` },
      { name: 'redirects', url: `${base}/moved`, expectStatus: [[200, 299]] },
      { name: 'hangs', url: `${base}/hang`, timeoutMs: 200 },
      { name: 'refused', url: `http://127.0.0.1:${closedPort}/health` },
    ].map((p) => probeConfigSchema.parse(p));
    const collector = new ProbeCollector({
      probes,
      rollup: rollupConfigSchema.parse({ providers: { twilio: ['127.0.0.1'] } }),
      instance: 'test-1',
      sink: store,
      clock,
      logger: testLogger(),
    });
    await collector.rollup.start();
    const signal = new AbortController().signal;
    const results = [];
    for (const p of probes) results.push(await collector.run(p.name, signal));
    await collector.run('stripe-health', signal);
    await collector.rollup.stop();

    expect(results.map((r) => [r.probe, r.status, r.ok])).toEqual([
      ['stripe-health', 200, true],
      ['twilio-status', 503, false],
      ['redirects', 301, false],
      ['hangs', undefined, false],
      ['refused', undefined, false],
    ]);
    expect(results[3]!.failure).toBe('no answer within 200 ms');
    expect(results[4]!.failure).toContain('ECONNREFUSED');
    expect(seen.find((s) => s.url === '/health')!.apiKey).toBe('sk_test_secret_value');

    const byEndpoint = Object.fromEntries(store.all().map((p) => [p.tags.endpoint, p]));
    expect(byEndpoint['stripe-health']).toMatchObject({
      count: 2,
      errors: 0,
      tags: {
        collector: 'probe:test-1',
        provider: 'stripe',
        service: 'headroom-probe',
        method: 'GET',
        status_class: '2xx',
      },
    });
    expect(byEndpoint['twilio-status']).toMatchObject({
      count: 1,
      errors: 1,
      tags: { provider: 'twilio', status_class: '5xx' },
    });
    expect(byEndpoint['redirects']).toMatchObject({ count: 1, errors: 1, tags: { status_class: '3xx' } });
    expect(byEndpoint['hangs']).toMatchObject({
      count: 1,
      errors: 1,
      durationMaxMs: 200,
      histogram: { [bucketIndex(200)]: 1 },
      tags: { status_class: 'error' },
    });
    expect(byEndpoint['refused']).toMatchObject({ count: 1, errors: 1, tags: { status_class: 'error' } });
  });

  it('registers one cron job per probe with the scheduler', async () => {
    const store = new MemoryStore();
    const scheduler = new Scheduler(testLogger());
    const collector = new ProbeCollector({
      probes: [probeConfigSchema.parse({ name: 'health', url: `${base}/health`, schedule: '*/5 * * * * *' })],
      rollup: rollupConfigSchema.parse({}),
      instance: 'test-1',
      sink: store,
      clock: new FakeClock(),
      logger: testLogger(),
    });
    await collector.rollup.start();
    collector.schedule(scheduler);
    await scheduler.start();
    await scheduler.runNow('probe health');
    await scheduler.stop();
    await collector.rollup.stop();
    expect(store.all().map((p) => [p.tags.endpoint, p.count])).toEqual([['health', 1]]);
  });
});
