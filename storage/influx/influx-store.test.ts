import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import { HeadroomError } from '../../core/errors.js';
import { freePort } from '../../test/helpers/free-port.js';
import { influxdAvailable, sharedOrOwnInflux } from '../../test/helpers/influx-server.js';
import { storeConformance } from '../../test/store-conformance.js';
import { influxConfigSchema } from '../config.js';
import { runQuery } from './influx-connection.js';
import { DOWNSAMPLE_CQ, DOWNSAMPLED_RP, RAW_RP } from './influx-schema.js';
import { InfluxStore } from './influx-store.js';

const logger = pino({ level: 'silent' });
const run = influxdAvailable();
let influx: { url: string; close(): Promise<void> } | undefined;
let n = 0;
// One database per store: the shared CI instance is used by other suites too.
const databaseName = () => `headroom_conf_${process.pid}_${n++}`;

function influxStore(clock: FakeClock, overrides: Record<string, unknown> = {}): InfluxStore {
  const config = influxConfigSchema.parse({
    url: influx?.url,
    database: databaseName(),
    flushIntervalMs: 20,
    batchSize: 5_000,
    ...overrides,
  });
  return new InfluxStore(config, { logger, clock });
}

describe.runIf(run)('InfluxStore (real influxd)', () => {
  beforeAll(async () => {
    influx = await sharedOrOwnInflux();
  });
  afterAll(async () => {
    await influx?.close();
  });

  storeConformance('InfluxStore', {
    retentionDays: 14,
    async create(clock) {
      // A small batch size, so the "more than one batch" case spans several requests and lanes.
      const store = influxStore(clock, { batchSize: 1_000 });
      await store.start();
      return store;
    },
    // InfluxDB refuses points older than the retention policy when they are written.
    async enforceRetention() {},
  });

  describe('schema', () => {
    it('creates the database, both retention policies and the downsampling continuous query', async () => {
      const store = influxStore(new FakeClock(), { retentionDays: 3, downsampledRetentionDays: 200 });
      await store.start();
      // Starting again over an existing schema is fine (and brings durations in line).
      await store.start();
      const conn = (store as unknown as { conn: Parameters<typeof runQuery>[0] }).conn;
      const database = (store as unknown as { config: { database: string } }).config.database;
      const [rps] = await runQuery(conn, `SHOW RETENTION POLICIES ON "${database}"`);
      const rows = rps?.series?.[0]?.values ?? [];
      expect(rows.map((r) => [r[0], r[1], r[4]])).toEqual(
        expect.arrayContaining([
          [RAW_RP, '72h0m0s', true],
          [DOWNSAMPLED_RP, '4800h0m0s', false],
        ]),
      );
      const [cqs] = await runQuery(conn, 'SHOW CONTINUOUS QUERIES');
      const mine = cqs?.series?.find((s) => s.name === database);
      expect(mine?.values.map((v) => v[0])).toEqual([DOWNSAMPLE_CQ]);
      expect(String(mine?.values[0]?.[1])).toMatch(/sum\(h255\) AS h255/);
      await store.stop();
    });
  });

  describe('start-up errors', () => {
    it('names the URL, without credentials, when InfluxDB is unreachable', async () => {
      const port = await freePort();
      const config = influxConfigSchema.parse({
        url: `http://admin:s3cret-pass@127.0.0.1:${port}`,
        password: 'also-s3cret',
        timeoutMs: 1_000,
      });
      const store = new InfluxStore(config, { logger, clock: new FakeClock() });
      const err = await store.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HeadroomError);
      expect((err as HeadroomError).code).toBe('store_unreachable');
      expect((err as Error).message).toContain(`http://127.0.0.1:${port}`);
      expect((err as Error).message).not.toMatch(/s3cret|admin/);
      await store.stop();
    });
  });
});
