import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock.js';
import { HeadroomError } from '../core/errors.js';
import { bucketIndex } from '../core/histogram.js';
import { DROPPED_TOO_OLD, RECORDED, RECORDED_LATE, Rollup } from './rollup.js';
import { rollupConfigSchema, type RollupConfig } from './rollup-config.js';
import { MemoryStore } from './testing/memory-store.js';
import { testLogger } from './testing/test-logger.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const rollups: Rollup[] = [];

function setup(overrides: Partial<RollupConfig> = {}, stateFile?: string) {
  const clock = new FakeClock(T0);
  const store = new MemoryStore();
  const config = rollupConfigSchema.parse({ ...overrides });
  const rollup = new Rollup({
    config,
    collector: 'otlp:test-1',
    sink: store,
    clock,
    logger: testLogger(),
    tickMs: 60_000,
    ...(stateFile ? { stateFile } : {}),
  });
  rollups.push(rollup);
  const call = (
    timeMs: number,
    durationMs: number,
    opts: { provider?: string; endpoint?: string; status?: string; error?: boolean } = {},
  ) =>
    rollup.record(
      'api_calls',
      'checkout',
      opts.provider ?? 'stripe',
      opts.endpoint ?? '/v1/charges',
      'POST',
      'eu-west-1',
      opts.status ?? '2xx',
      timeMs,
      clock.now(),
      durationMs,
      opts.error ?? false,
    );
  return { clock, store, rollup, call };
}

afterEach(async () => {
  for (const r of rollups.splice(0)) await r.stop();
});

describe('Rollup', () => {
  it('aggregates calls of one interval into one point per series', async () => {
    const { clock, store, rollup, call } = setup();
    await rollup.start();
    call(T0 + 1_000, 10);
    call(T0 + 2_000, 30, { error: true, status: '5xx' });
    call(T0 + 3_000, 20);
    call(T0 + 9_999, 40, { status: '5xx', error: true });
    clock.advance(10_000 + 5_000);
    await rollup.flushDue();
    const points = store.all().sort((a, b) => a.tags.status_class!.localeCompare(b.tags.status_class!));
    expect(points).toHaveLength(2);
    expect(points[0]).toMatchObject({
      measurement: 'api_calls',
      timeMs: T0,
      tags: {
        collector: 'otlp:test-1',
        service: 'checkout',
        provider: 'stripe',
        endpoint: '/v1/charges',
        method: 'POST',
        region: 'eu-west-1',
        status_class: '2xx',
      },
      count: 2,
      errors: 0,
      durationSumMs: 30,
      durationMaxMs: 20,
      histogram: { [bucketIndex(10)]: 1, [bucketIndex(20)]: 1 },
    });
    expect(points[1]).toMatchObject({ count: 2, errors: 2, durationSumMs: 70, durationMaxMs: 40 });
  });

  it('keeps an interval open for the grace period and writes it once', async () => {
    const { clock, store, rollup, call } = setup({ graceMs: 5_000 });
    await rollup.start();
    call(T0 + 5_000, 1);
    clock.advance(14_999);
    await rollup.flushDue();
    expect(store.all()).toHaveLength(0);
    expect(call(T0 + 9_000, 1)).toBe(RECORDED);
    clock.advance(1);
    await rollup.flushDue();
    expect(store.all()).toHaveLength(1);
    expect(store.all()[0]!.count).toBe(2);
  });

  it('counts calls for an already written interval into the oldest open one, and drops very old ones', async () => {
    const { clock, store, rollup, call } = setup({ graceMs: 0, maxLateMs: 60_000 });
    await rollup.start();
    call(T0 + 1_000, 1);
    clock.advance(10_000);
    await rollup.flushDue();
    expect(call(T0 + 2_000, 1)).toBe(RECORDED_LATE);
    expect(call(T0 - 120_000, 1)).toBe(DROPPED_TOO_OLD);
    clock.advance(10_000);
    await rollup.flushDue();
    const byTime = new Map(store.all().map((p) => [p.timeMs, p.count]));
    expect(byTime).toEqual(
      new Map([
        [T0, 1],
        [T0 + 10_000, 1],
      ]),
    );
    expect(store.overwrites).toBe(0);
    expect(rollup.status()).toMatchObject({ late: 1, droppedTooOld: 1 });
  });

  it('clamps timestamps from the future to now', async () => {
    const { clock, store, rollup, call } = setup({ maxFutureMs: 1_000 });
    await rollup.start();
    call(T0 + 3_600_000, 1);
    call(0, 1); // unset timestamp: now
    await rollup.stop();
    expect(store.all().map((p) => [p.timeMs, p.count])).toEqual([[T0, 2]]);
    void clock;
  });

  it('folds tag values beyond the cap into "other" and counts the folds', async () => {
    const { store, rollup, call } = setup({ maxValuesPerTag: 3 });
    await rollup.start();
    for (const endpoint of ['/a', '/b', '/c', '/d', '/e', '/a']) call(T0 + 1, 1, { endpoint });
    await rollup.stop();
    const counts = Object.fromEntries(store.all().map((p) => [p.tags.endpoint, p.count]));
    expect(counts).toEqual({ '/a': 2, '/b': 1, '/c': 1, other: 2 });
    expect(rollup.status()).toMatchObject({ folded: { 'api_calls:endpoint': 2 } });
    expect(rollup.distinctValues('api_calls', 'endpoint')).toBe(3);
  });

  it('frees a place under the cap once a value has been unseen for the TTL', async () => {
    const { clock, store, rollup, call } = setup({ maxValuesPerTag: 1, tagValueTtlMs: 60_000, graceMs: 0 });
    await rollup.start();
    call(T0 + 1, 1, { endpoint: '/old' });
    clock.advance(120_000);
    call(clock.now(), 1, { endpoint: '/new' });
    await rollup.stop();
    expect(
      store
        .all()
        .map((p) => p.tags.endpoint)
        .sort(),
    ).toEqual(['/new', '/old']);
  });

  it('caps the series of one interval', async () => {
    const { store, rollup, call } = setup({ maxSeriesPerInterval: 2 });
    await rollup.start();
    for (const provider of ['a', 'b', 'c', 'd']) call(T0 + 1, 1, { provider });
    await rollup.stop();
    const providers = store
      .all()
      .map((p) => p.tags.provider)
      .sort();
    expect(providers).toEqual(['a', 'b', 'other']);
    expect(store.all().find((p) => p.tags.provider === 'other')).toMatchObject({
      count: 2,
      tags: { endpoint: 'other', status_class: 'other' },
    });
  });

  it('keeps points when the sink fails, retries, and sheds load while the spool is full', async () => {
    const { clock, store, rollup, call } = setup({ graceMs: 0 });
    await rollup.start();
    call(T0 + 1, 1);
    store.failWith = new HeadroomError('spool_full', 'spool full', { retryable: true });
    clock.advance(10_000);
    await rollup.flushDue();
    expect(store.all()).toHaveLength(0);
    expect(rollup.admission()).toMatchObject({ status: 503 });
    expect(rollup.health().state).toBe('degraded');
    store.failWith = undefined;
    clock.advance(60_000);
    await rollup.flushDue();
    expect(store.all()).toHaveLength(1);
    expect(rollup.admission()).toBeUndefined();
  });

  it('sheds load when too many points wait for the store', async () => {
    const { clock, store, rollup, call } = setup({ graceMs: 0, maxPendingPoints: 2 });
    await rollup.start();
    for (const provider of ['a', 'b', 'c']) call(T0 + 1, 1, { provider });
    store.failWith = new Error('connection refused');
    clock.advance(10_000);
    await rollup.flushDue();
    expect(rollup.admission()).toMatchObject({
      status: 503,
      reason: expect.stringContaining('3 rollup points'),
    });
    store.failWith = undefined;
    await rollup.stop();
    expect(store.all()).toHaveLength(3);
  });

  it('gives up on stop after stopTimeoutMs and reports the loss', async () => {
    const { store, rollup, call } = setup({ stopTimeoutMs: 0 });
    await rollup.start();
    call(T0 + 1, 1);
    store.failWith = new Error('connection refused');
    await rollup.stop();
    expect(rollup.status()).toMatchObject({ pendingPoints: 1 });
  });

  it('writes the open interval on stop and never rewrites it after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-rollup-'));
    try {
      const stateFile = join(dir, 'state.json');
      const first = setup({}, stateFile);
      await first.rollup.start();
      first.call(T0 + 1_000, 1);
      await first.rollup.stop();
      expect(first.store.all()).toHaveLength(1);

      const second = setup({}, stateFile);
      await second.rollup.start();
      second.clock.set(T0 + 2_000);
      expect(second.call(T0 + 2_000, 1)).toBe(RECORDED_LATE);
      await second.rollup.stop();
      expect(second.store.all().map((p) => p.timeMs)).toEqual([T0 + 10_000]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
