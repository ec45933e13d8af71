import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import type { RecordKind } from '../../core/records/index.js';
import { alignTime, type RollupPoint } from '../../core/rollup.js';
import type {
  RecordQuery,
  RollupQuery,
  RollupSeries,
  SeriesInfo,
  SeriesQuery,
  Store,
  StoredRecord,
  StoreHealth,
} from '../../core/store.js';
import { InfluxServer, influxdAvailable } from '../../test/helpers/influx-server.js';
import { point } from '../../test/store-conformance.js';
import { influxConfigSchema, spoolConfigSchema } from '../config.js';
import { InfluxStore } from '../influx/influx-store.js';
import { SpooledStore } from './spooled-store.js';

const run = influxdAvailable();
const logger = pino({ level: 'silent' });
const root = mkdtempSync(join(tmpdir(), 'headroom-outage-test-'));
const SERIES = 50;
const STEP_MS = 10_000;

/** Counts what reaches the InfluxStore, to show each spooled point is replayed exactly once. */
class CountingStore implements Store {
  readonly kind = 'influx' as const;
  points = 0;
  constructor(readonly inner: InfluxStore) {}
  start(signal?: AbortSignal): Promise<void> {
    return this.inner.start(signal);
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
  health(): Promise<StoreHealth> {
    return this.inner.health();
  }
  async write(points: readonly RollupPoint[], signal?: AbortSignal): Promise<void> {
    await this.inner.write(points, signal);
    this.points += points.length;
  }
  putRecords(records: readonly StoredRecord[], signal?: AbortSignal): Promise<void> {
    return this.inner.putRecords(records, signal);
  }
  deleteRecords(kind: RecordKind, ids: readonly string[], signal?: AbortSignal): Promise<void> {
    return this.inner.deleteRecords(kind, ids, signal);
  }
  queryRollups(q: RollupQuery): Promise<RollupSeries[]> {
    return this.inner.queryRollups(q);
  }
  listSeries(q?: SeriesQuery): Promise<SeriesInfo[]> {
    return this.inner.listSeries(q);
  }
  queryRecords<K extends RecordKind>(q: RecordQuery<K>): Promise<StoredRecord<K>[]> {
    return this.inner.queryRecords(q);
  }
}

describe.runIf(run)('SpooledStore over a real influxd that stops and starts', () => {
  // Outage tests always run their own influxd: they kill it.
  let server: InfluxServer;
  let n = 0;
  beforeAll(async () => {
    server = await InfluxServer.start();
  });
  afterAll(async () => {
    await server?.destroy();
    rmSync(root, { recursive: true, force: true });
  });

  function build(database: string, spoolDir: string): { store: SpooledStore; counting: CountingStore } {
    const influx = new InfluxStore(
      influxConfigSchema.parse({ url: server.url, database, flushIntervalMs: 10, timeoutMs: 1_000 }),
      { logger, clock: systemClock },
    );
    const counting = new CountingStore(influx);
    const spool = spoolConfigSchema.parse({ fsyncIntervalMs: 5, retryIntervalMs: 50, storeTimeoutMs: 2_000 });
    return {
      store: new SpooledStore(counting, spool, { logger, clock: systemClock, dir: spoolDir }),
      counting,
    };
  }

  /** One write: every series at step `i`, with a value that says which write it came from. */
  function batch(base: number, i: number, version: number): RollupPoint[] {
    return Array.from({ length: SERIES }, (_, s) =>
      point(
        base + i * STEP_MS,
        { service: 'checkout', endpoint: `/e/${s}`, collector: 'c1' },
        { count: version * 1_000 + i },
      ),
    );
  }

  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 1_200; i++) {
      if (await check().catch(() => false)) return;
      await sleep(25);
    }
    throw new Error(`timed out waiting until ${what}`);
  }

  /** count per (endpoint, step), from InfluxDB. */
  async function stored(store: Store, base: number, steps: number): Promise<Map<string, number>> {
    const groups = await store.queryRollups({
      measurement: 'api_calls',
      from: base,
      to: base + steps * STEP_MS,
      stepMs: STEP_MS,
      groupBy: ['endpoint'],
    });
    const out = new Map<string, number>();
    for (const g of groups)
      for (const p of g.points) out.set(`${g.tags.endpoint}@${(p.timeMs - base) / STEP_MS}`, p.count);
    return out;
  }

  it('loses no acknowledged point across a kill and restart of influxd, and the last write wins', async () => {
    const { store } = build(`outage_${n++}`, join(root, 'spool-a'));
    await store.start();
    const base = alignTime(Date.now() - 3_600_000, 60_000);
    const expected = new Map<string, number>();
    const acknowledge = async (i: number, version: number): Promise<void> => {
      await store.write(batch(base, i, version));
      for (let s = 0; s < SERIES; s++) expected.set(`/e/${s}@${i}`, version * 1_000 + i);
    };
    for (let i = 0; i < 20; i++) await acknowledge(i, 1);
    await store.putRecords([incident('kept', base), incident('deleted-while-down', base)]);

    await server.kill();
    for (let i = 20; i < 60; i++) await acknowledge(i, 1);
    // Rewrites of points written before and during the outage: the newer value must win.
    for (let i = 10; i < 30; i++) await acknowledge(i, 2);
    await store.deleteRecords('incident', ['deleted-while-down']);
    await store.putRecords([incident('written-while-down', base + 1)]);
    const health = await store.health();
    expect(health.state).toBe('spooling');
    expect(store.depth().entries).toBeGreaterThan(0);

    await server.start();
    await until('the spool is replayed', async () => (await store.health()).state === 'ok');
    expect(store.depth()).toEqual({ bytes: 0, entries: 0 });
    const got = await stored(store, base, 60);
    expect(got.size).toBe(60 * SERIES);
    expect(got).toEqual(expected);
    const records = await store.queryRecords({ kind: 'incident', order: 'asc' });
    expect(records.map((r) => r.id)).toEqual(['kept', 'written-while-down']);
    await store.stop();
  });

  it('replays a spool left by a daemon that stopped during the outage, exactly once', async () => {
    const database = `outage_${n++}`;
    const spoolDir = join(root, 'spool-b');
    const first = build(database, spoolDir);
    await first.store.start();
    const base = alignTime(Date.now() - 2 * 3_600_000, 60_000);
    await first.store.write(batch(base, 0, 1));
    await server.stop();
    for (let i = 1; i < 40; i++) await first.store.write(batch(base, i, 1));
    const spooled = first.store.depth();
    expect(spooled.entries).toBeGreaterThanOrEqual(39);
    await first.store.stop();

    // A new process: a new store over the same spool directory, then InfluxDB comes back.
    const second = build(database, spoolDir);
    await server.start();
    await second.store.start();
    await until('the spool is replayed', async () => second.store.depth().entries === 0);
    expect(second.counting.points).toBe(spooled.entries * SERIES);
    const got = await stored(second.store, base, 40);
    expect(got.size).toBe(40 * SERIES);
    expect([...got.values()].every((v) => v >= 1_000)).toBe(true);
    expect(readdirSync(spoolDir)).toEqual([]);
    await second.store.stop();
  });
});

function incident(id: string, timeMs: number): StoredRecord<'incident'> {
  return {
    kind: 'incident',
    id,
    timeMs,
    tags: { provider: 'stripe' },
    body: {
      status: 'open',
      severity: 'critical',
      groupKey: 'provider=stripe',
      title: id,
      summary: id,
      startedMs: timeMs,
      updatedMs: timeMs,
      timeline: [],
      facts: {},
    },
  };
}
