import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import { HeadroomError } from '../../core/errors.js';
import type { RecordKind } from '../../core/records/index.js';
import type { RollupPoint } from '../../core/rollup.js';
import type {
  RecordQuery,
  RollupQuery,
  RollupSeries,
  SeriesInfo,
  SeriesQuery,
  Store,
  StoreHealth,
  StoredRecord,
} from '../../core/store.js';
import { point } from '../../test/store-conformance.js';
import { embeddedConfigSchema, spoolConfigSchema } from '../config.js';
import { EmbeddedStore } from '../embedded/embedded-store.js';
import { SpooledStore } from './spooled-store.js';

const root = mkdtempSync(join(tmpdir(), 'headroom-spooled-test-'));
const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
const provider = new MeterProvider({ readers: [reader] });
beforeAll(() => metrics.setGlobalMeterProvider(provider));
afterAll(async () => {
  await provider.shutdown();
  rmSync(root, { recursive: true, force: true });
});

const logger = pino({ level: 'silent' });
const clock = new FakeClock(Date.UTC(2026, 0, 20));
let n = 0;

/** Sums a counter (or reads a gauge) over all attribute sets, from the real OTel SDK. */
async function metric(name: string): Promise<number> {
  const { resourceMetrics } = await reader.collect();
  let total = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const m of scope.metrics) {
      if (m.descriptor.name !== name) continue;
      for (const dp of m.dataPoints) total += dp.value as number;
    }
  }
  return total;
}

type Failure = 'none' | 'down' | 'slow';

/** A real EmbeddedStore that can be made unreachable or slow, and counts what reaches it. */
class FlakyStore implements Store {
  readonly kind = 'embedded' as const;
  failure: Failure = 'none';
  pointsWritten = 0;
  constructor(readonly inner: EmbeddedStore) {}
  private async gate(signal?: AbortSignal): Promise<void> {
    if (this.failure === 'down')
      throw new HeadroomError('store_unreachable', 'connection refused', { retryable: true });
    if (this.failure === 'slow') await sleep(60_000, undefined, { signal });
  }
  start(s?: AbortSignal): Promise<void> {
    return this.inner.start(s);
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
  health(): Promise<StoreHealth> {
    return this.failure === 'none' ? this.inner.health() : Promise.resolve({ ok: false, detail: 'down' });
  }
  async write(points: readonly RollupPoint[], signal?: AbortSignal): Promise<void> {
    await this.gate(signal);
    await this.inner.write(points, signal);
    this.pointsWritten += points.length;
  }
  async putRecords(records: readonly StoredRecord[], signal?: AbortSignal): Promise<void> {
    await this.gate(signal);
    await this.inner.putRecords(records);
  }
  async deleteRecords(kind: RecordKind, ids: readonly string[], signal?: AbortSignal): Promise<void> {
    await this.gate(signal);
    await this.inner.deleteRecords(kind, ids);
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

function setup(
  spool: Record<string, unknown> = {},
  dirs = { db: join(root, `db-${n}.sqlite`), spool: join(root, `spool-${n++}`) },
) {
  const inner = new FlakyStore(
    new EmbeddedStore(embeddedConfigSchema.parse({}), { logger, clock, path: dirs.db }),
  );
  const config = spoolConfigSchema.parse({
    fsyncIntervalMs: 1,
    retryIntervalMs: 10,
    storeTimeoutMs: 200,
    ...spool,
  });
  return { inner, store: new SpooledStore(inner, config, { logger, clock, dir: dirs.spool }), dirs };
}

async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if (await check()) return;
    await sleep(5);
  }
  throw new Error(`timed out waiting until ${what}`);
}

const t0 = clock.now() - 3_600_000;
const tags = { service: 'checkout', provider: 'stripe', collector: 'c1' };
const counts = async (store: Store): Promise<number[]> => {
  const [group] = await store.queryRollups({
    measurement: 'api_calls',
    from: t0,
    to: clock.now(),
    stepMs: 10_000,
  });
  return group?.points.map((p) => p.count) ?? [];
};
const incident = (id: string, title: string): StoredRecord => ({
  kind: 'incident',
  id,
  timeMs: t0,
  tags: { provider: 'stripe' },
  body: {
    status: 'open',
    severity: 'warning',
    groupKey: 'provider=stripe',
    title,
    summary: title,
    startedMs: t0,
    updatedMs: t0,
    timeline: [],
    facts: {},
  },
});

describe('SpooledStore', () => {
  it('writes straight to a healthy store and reports ok', async () => {
    const { inner, store } = setup();
    await store.start();
    const before = await metric('headroom.store.writes');
    await store.write([point(t0, tags, { count: 1 })]);
    expect(inner.pointsWritten).toBe(1);
    expect(store.depth()).toEqual({ bytes: 0, entries: 0 });
    expect(await store.health()).toMatchObject({ ok: true, state: 'ok' });
    expect((await metric('headroom.store.writes')) - before).toBe(1);
    await store.stop();
  });

  it('spools every kind of write while the store is down and replays them in order when it returns', async () => {
    const { inner, store, dirs } = setup();
    await store.start();
    await store.write([point(t0, tags, { count: 1 })]);
    await store.putRecords([incident('i1', 'first'), incident('i2', 'second')]);
    inner.failure = 'down';
    // Acknowledged = in the spool; the last write of a series + time must win after replay.
    await store.write([point(t0, tags, { count: 2 }), point(t0 + 10_000, tags, { count: 3 })]);
    await store.write([point(t0 + 10_000, tags, { count: 4 })]);
    await store.putRecords([incident('i1', 'first, rewritten')]);
    await store.deleteRecords('incident', ['i2']);
    await store.write([point(t0 + 20_000, tags, { count: 5 })]);
    const health = await store.health();
    expect(health).toMatchObject({ ok: false, state: 'spooling' });
    expect(health.detail).toMatch(/spool 5 writes/);
    expect(store.depth().entries).toBe(5);
    expect(await counts(store)).toEqual([1]);

    inner.failure = 'none';
    await until('the spool is replayed', async () => (await store.health()).state === 'ok');
    expect(await counts(store)).toEqual([2, 4, 5]);
    const records = await store.queryRecords({ kind: 'incident' });
    expect(records.map((r) => [r.id, r.body.title])).toEqual([['i1', 'first, rewritten']]);
    expect(readdirSync(dirs.spool)).toEqual([]);
    // Back to direct writes.
    await store.write([point(t0 + 30_000, tags, { count: 6 })]);
    expect(store.depth().entries).toBe(0);
    expect(await counts(store)).toEqual([2, 4, 5, 6]);
    await store.stop();
  });

  it('spools a write the store does not finish within storeTimeoutMs', async () => {
    const { inner, store } = setup({ storeTimeoutMs: 100 });
    await store.start();
    inner.failure = 'slow';
    await store.write([point(t0, tags, { count: 7 })]);
    expect(store.depth().entries).toBe(1);
    expect((await store.health()).detail).toMatch(/no answer within 100 ms/);
    inner.failure = 'none';
    await until('the spool is replayed', () => store.depth().entries === 0);
    expect(await counts(store)).toEqual([7]);
    await store.stop();
  });

  it('refuses writes with spool_full when the spool is full, counts them, and recovers', async () => {
    const { inner, store } = setup({ maxBytes: 2_048, segmentBytes: 4_096 });
    await store.start();
    inner.failure = 'down';
    const refusedBefore = await metric('headroom.spool.refused');
    let refused: unknown;
    let accepted = 0;
    for (let i = 0; i < 100 && !refused; i++) {
      const batch = Array.from({ length: 5 }, (_, k) =>
        point(t0 + i * 10_000, { ...tags, endpoint: `/e${k}` }, { count: i }),
      );
      await store.write(batch).then(
        () => accepted++,
        (err: unknown) => (refused = err),
      );
    }
    expect(refused).toBeInstanceOf(HeadroomError);
    expect((refused as HeadroomError).code).toBe('spool_full');
    expect((refused as HeadroomError).retryable).toBe(true);
    expect((await metric('headroom.spool.refused')) - refusedBefore).toBe(5);
    expect(await store.health()).toMatchObject({ ok: false, state: 'down' });
    expect(await metric('headroom.spool.depth_entries')).toBe(accepted);

    inner.failure = 'none';
    await until('the spool is replayed', () => store.depth().entries === 0);
    expect(inner.pointsWritten).toBe(accepted * 5);
    await store.write([point(t0, tags)]);
    await store.stop();
  });

  it('passes non-retryable errors to the caller instead of spooling', async () => {
    const { store } = setup();
    await store.start();
    await expect(store.write([point(t0, tags, { count: -1 })])).rejects.toMatchObject({
      code: 'invalid_point',
    });
    expect(store.depth().entries).toBe(0);
    await store.stop();
  });

  it('replays a spool left by a previous run exactly once', async () => {
    const first = setup();
    await first.store.start();
    first.inner.failure = 'down';
    for (let i = 0; i < 20; i++) await first.store.write([point(t0 + i * 10_000, tags, { count: i + 1 })]);
    await first.store.stop();

    const second = setup({}, first.dirs);
    await second.store.start();
    expect(second.store.depth().entries).toBe(20);
    await until('the spool is replayed', () => second.store.depth().entries === 0);
    expect(second.inner.pointsWritten).toBe(20);
    expect(await counts(second.store)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await second.store.stop();
    expect(readdirSync(first.dirs.spool)).toEqual([]);
  });
});
