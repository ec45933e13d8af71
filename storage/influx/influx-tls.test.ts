import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import { bucketIndex } from '../../core/histogram.js';
import { influxdAvailable, InfluxServer } from '../../test/helpers/influx-server.js';
import { selfSignedCert } from '../../test/helpers/self-signed-cert.js';
import { influxConfigSchema } from '../config.js';
import { InfluxStore } from './influx-store.js';

// Recent: influxd drops points older than the retention policy, by its own clock.
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 600_000;
const logger = pino({ level: 'silent' });

describe.runIf(influxdAvailable())('InfluxStore over HTTPS with a configured CA (real influxd)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-influx-tls-'));
  const cert = selfSignedCert();
  const caFile = join(dir, 'ca.pem');
  let server: InfluxServer;

  beforeAll(async () => {
    writeFileSync(caFile, cert.certPem);
    server = await InfluxServer.start({ tls: cert });
  });
  afterAll(async () => {
    await server?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const store = (overrides: Record<string, unknown>) =>
    new InfluxStore(
      influxConfigSchema.parse({
        url: server.url,
        database: 'headroom_tls',
        flushIntervalMs: 20,
        ...overrides,
      }),
      { logger, clock: new FakeClock(T0 + 60_000) },
    );

  it('writes (line protocol) and queries (InfluxQL) over https, trusting store.influx.caFile', async () => {
    expect(server.url).toMatch(/^https:/);
    const s = store({ caFile });
    await s.start();
    try {
      await s.write([
        {
          measurement: 'api_calls',
          timeMs: T0,
          tags: { provider: 'stripe', collector: 'otlp:a' },
          count: 12,
          errors: 1,
          durationSumMs: 1_200,
          durationMaxMs: 300,
          histogram: { [bucketIndex(100)]: 12 },
        },
      ]);
      await s.putRecords([
        {
          kind: 'silence',
          id: 'tls-silence',
          timeMs: T0,
          tags: {},
          body: {
            matchers: { provider: 'stripe' },
            startsMs: T0,
            endsMs: T0 + 60_000,
            createdBy: 'ana',
            comment: 'x',
          },
        },
      ]);
      const groups = await s.queryRollups({
        measurement: 'api_calls',
        from: T0,
        to: T0 + 10_000,
        stepMs: 10_000,
      });
      expect(groups.flatMap((g) => g.points).map((p) => p.count)).toEqual([12]);
      expect((await s.queryRecords({ kind: 'silence' })).map((r) => r.id)).toEqual(['tls-silence']);
      expect(await s.health()).toMatchObject({ ok: true });
    } finally {
      await s.stop();
    }
  });

  it('refuses to start without the CA (the certificate is not trusted), naming the URL', async () => {
    const s = store({});
    await expect(s.start()).rejects.toThrow(new RegExp(`${server.url}.*(self[- ]signed|certificate)`, 'i'));
    await s.stop();
  });
});
