import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock.js';
import { HeadroomError } from '../core/errors.js';
import type { AnomalyBody, IncidentBody } from '../core/records/index.js';
import { alignTime, type Measurement, type RollupAggregate, type RollupPoint } from '../core/rollup.js';
import type { RollupSeries, Store, StoredRecord } from '../core/store.js';
import type { Tags } from '../core/tags.js';
import { storableTagValue } from '../storage/storable-tags.js';

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
const STEP_MS = 10_000;

/** One store implementation under test. */
export interface ConformanceSubject {
  /**
   * A started store over empty storage, with `clock` as its clock (set near the real time: a real
   * InfluxDB judges retention by its own clock). Called before every test.
   */
  create(clock: FakeClock): Promise<Store>;
  /** Makes retention take effect now (EmbeddedStore: run the job; InfluxDB drops old points at write). */
  enforceRetention(store: Store): Promise<void>;
  retentionDays: number;
}

export function point(timeMs: number, tags: Tags, fields: Partial<RollupPoint> = {}): RollupPoint {
  return {
    measurement: 'api_calls',
    timeMs,
    tags,
    count: 10,
    errors: 1,
    durationSumMs: 500,
    durationMaxMs: 90,
    histogram: { 100: 6, 120: 4 },
    ...fields,
  };
}

function anomaly(id: string, timeMs: number, tags: Tags, score = 0.9): StoredRecord<'anomaly'> {
  const body: AnomalyBody = {
    signal: 'latency_p95_ms',
    measurement: 'api_calls',
    score,
    observed: 420,
    expected: 120,
    detector: 'robust-z',
    component: 'z',
    explanation: `p95 420 ms against 120 ms expected (${id})`,
  };
  return { kind: 'anomaly', id, timeMs, tags, body };
}

function incident(id: string, timeMs: number, title: string): StoredRecord<'incident'> {
  const body: IncidentBody = {
    status: 'open',
    severity: 'warning',
    groupKey: 'provider=stripe',
    title,
    summary: 'Stripe is slow.',
    startedMs: timeMs,
    updatedMs: timeMs,
    timeline: [{ timeMs, kind: 'opened', text: 'opened' }],
    facts: { p95: 420 },
  };
  return { kind: 'incident', id, timeMs, tags: { provider: 'stripe' }, body };
}

/** Folds one group's points into coarser steps (the reference for server-side aggregation). */
function fold(points: readonly RollupAggregate[], stepMs: number): RollupAggregate[] {
  const out = new Map<number, RollupAggregate>();
  for (const p of points) {
    const t = alignTime(p.timeMs, stepMs);
    const agg = out.get(t) ?? {
      timeMs: t,
      count: 0,
      errors: 0,
      durationSumMs: 0,
      durationMaxMs: 0,
      histogram: {},
    };
    agg.count += p.count;
    agg.errors += p.errors;
    agg.durationSumMs += p.durationSumMs;
    agg.durationMaxMs = Math.max(agg.durationMaxMs, p.durationMaxMs);
    for (const [k, v] of Object.entries(p.histogram))
      agg.histogram[Number(k)] = (agg.histogram[Number(k)] ?? 0) + v;
    out.set(t, agg);
  }
  return [...out.values()].sort((a, b) => a.timeMs - b.timeMs);
}

function only(series: RollupSeries[]): RollupAggregate[] {
  expect(series).toHaveLength(1);
  return series[0]?.points ?? [];
}

/**
 * The Store contract (core/store.ts), run by every implementation: EmbeddedStore and InfluxStore.
 * Times sit two days before "now", older than InfluxDB's continuous-query window, so 5 min steps
 * exercise the downsampled path (and its backfill of late points) too.
 */
export function storeConformance(name: string, subject: ConformanceSubject): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;
    let clock: FakeClock;
    let base: number;

    beforeEach(async () => {
      // Near the real time: a real InfluxDB judges retention by its own clock.
      clock = new FakeClock(Date.now());
      base = alignTime(clock.now() - 2 * DAY_MS, DAY_MS);
      store = await subject.create(clock);
    });
    afterEach(async () => {
      await store.stop();
    });

    const q = (measurement: Measurement = 'api_calls') => ({
      measurement,
      from: base,
      to: base + DAY_MS,
      stepMs: STEP_MS,
    });

    describe('rollups', () => {
      it('reads back what was written, field by field', async () => {
        const tags = { service: 'checkout', provider: 'stripe', endpoint: '/v1/charges', collector: 'c1' };
        await store.write([
          point(base, tags, {
            count: 7,
            errors: 2,
            durationSumMs: 350.5,
            durationMaxMs: 120.25,
            histogram: { 0: 1, 97: 2.5, 255: 3.5 },
          }),
          point(base + STEP_MS, tags, {
            count: 3,
            errors: 0,
            durationSumMs: 30,
            durationMaxMs: 12,
            histogram: { 60: 3 },
          }),
        ]);
        const points = only(await store.queryRollups(q()));
        expect(points).toEqual([
          {
            timeMs: base,
            count: 7,
            errors: 2,
            durationSumMs: 350.5,
            durationMaxMs: 120.25,
            histogram: { 0: 1, 97: 2.5, 255: 3.5 },
          },
          {
            timeMs: base + STEP_MS,
            count: 3,
            errors: 0,
            durationSumMs: 30,
            durationMaxMs: 12,
            histogram: { 60: 3 },
          },
        ]);
      });

      it('honours [from, to) and aligns steps to multiples of stepMs since the epoch', async () => {
        const tags = { service: 's', collector: 'c1' };
        await store.write(
          [0, 1, 2, 3, 4, 5, 6, 7].map((i) => point(base + i * 30_000, tags, { count: i + 1 })),
        );
        // from = base + 30 s (not a minute boundary), to = base + 3 min (exclusive): points 1..5.
        const points = only(
          await store.queryRollups({ ...q(), from: base + 30_000, to: base + 3 * MIN_MS, stepMs: MIN_MS }),
        );
        expect(points.map((p) => [p.timeMs - base, p.count])).toEqual([
          [0, 2],
          [MIN_MS, 3 + 4],
          [2 * MIN_MS, 5 + 6],
        ]);
      });

      it('returns only non-empty steps, ascending', async () => {
        const tags = { service: 's', collector: 'c1' };
        await store.write([
          point(base + 5 * MIN_MS, tags),
          point(base + MIN_MS, tags),
          point(base + 9 * MIN_MS, tags),
        ]);
        const points = only(await store.queryRollups({ ...q(), stepMs: MIN_MS }));
        expect(points.map((p) => (p.timeMs - base) / MIN_MS)).toEqual([1, 5, 9]);
      });

      it('replaces a point written again for the same series and time, bucket by bucket', async () => {
        const tags = { service: 's', provider: 'p', collector: 'c1' };
        await store.write([point(base, tags, { count: 5, histogram: { 10: 5, 11: 1 } })]);
        await store.write([point(base, tags, { count: 9, durationMaxMs: 7, histogram: { 11: 9 } })]);
        // InfluxDB merges the field sets of a rewritten point: a bucket the rewrite does not carry
        // keeps its value. Both stores do this (core/store.ts Sink.write).
        const points = only(await store.queryRollups(q()));
        expect(points).toEqual([
          {
            timeMs: base,
            count: 9,
            errors: 1,
            durationSumMs: 500,
            durationMaxMs: 7,
            histogram: { 10: 5, 11: 9 },
          },
        ]);
      });

      it('keeps both points when two collector instances write the same tags and time', async () => {
        const a = { service: 's', provider: 'stripe', collector: 'collector-a' };
        const b = { service: 's', provider: 'stripe', collector: 'collector-b' };
        await store.write([point(base, a, { count: 4, durationMaxMs: 10 })]);
        await store.write([point(base, b, { count: 6, durationMaxMs: 30 })]);
        const merged = only(await store.queryRollups(q()));
        expect(merged[0]).toMatchObject({ count: 10, durationMaxMs: 30, histogram: { 100: 12, 120: 8 } });
        const byCollector = await store.queryRollups({ ...q(), groupBy: ['collector'] });
        expect(byCollector.map((g) => [g.tags, g.points[0]?.count])).toEqual([
          [{ collector: 'collector-a' }, 4],
          [{ collector: 'collector-b' }, 6],
        ]);
        expect((await store.listSeries()).map((s) => s.tags)).toEqual([a, b].map((t) => sortKeys(t)));
      });

      it('groups by tag keys, merging the other tags (counts add, max takes max, buckets add)', async () => {
        await store.write([
          point(
            base,
            { provider: 'stripe', endpoint: '/a', collector: 'c1' },
            { count: 1, durationMaxMs: 5, histogram: { 1: 1 } },
          ),
          point(
            base,
            { provider: 'stripe', endpoint: '/b', collector: 'c1' },
            { count: 2, durationMaxMs: 50, histogram: { 1: 2, 2: 1 } },
          ),
          point(
            base,
            { provider: 'adyen', endpoint: '/a', collector: 'c1' },
            { count: 4, durationMaxMs: 9, histogram: { 3: 4 } },
          ),
          point(
            base,
            { endpoint: '/c', collector: 'c1' },
            { count: 8, durationMaxMs: 1, histogram: { 4: 8 } },
          ),
        ]);
        const groups = await store.queryRollups({ ...q(), groupBy: ['provider'] });
        // Groups come in the order of their canonical tag JSON: the group without the tag last.
        expect(
          groups.map((g) => [g.tags, g.points.map((p) => [p.count, p.durationMaxMs, p.histogram])]),
        ).toEqual([
          [{ provider: 'adyen' }, [[4, 9, { 3: 4 }]]],
          [{ provider: 'stripe' }, [[3, 50, { 1: 3, 2: 1 }]]],
          [{}, [[8, 1, { 4: 8 }]]],
        ]);
        const all = only(await store.queryRollups(q()));
        expect(all[0]).toMatchObject({ count: 15, durationMaxMs: 50, histogram: { 1: 3, 2: 1, 3: 4, 4: 8 } });
      });

      it('filters by tag: exact, any-of, and matches nothing for [], "" or an unknown value', async () => {
        await store.write([
          point(base, { provider: 'stripe', region: 'eu', collector: 'c1' }, { count: 1 }),
          point(base, { provider: 'adyen', region: 'eu', collector: 'c1' }, { count: 2 }),
          point(base, { provider: 'paypal', region: 'us', collector: 'c1' }, { count: 4 }),
          point(base, { region: 'us', collector: 'c1' }, { count: 8 }),
        ]);
        const count = async (where: Record<string, string | string[]>): Promise<number> =>
          (await store.queryRollups({ ...q(), where })).reduce(
            (n, g) => n + g.points.reduce((m, p) => m + p.count, 0),
            0,
          );
        expect(await count({ provider: 'stripe' })).toBe(1);
        expect(await count({ provider: ['stripe', 'paypal'] })).toBe(5);
        expect(await count({ provider: ['stripe', 'paypal'], region: 'us' })).toBe(4);
        expect(await count({ region: 'us' })).toBe(12);
        expect(await count({ provider: [] })).toBe(0);
        expect(await count({ provider: '' })).toBe(0);
        expect(await count({ provider: 'nobody' })).toBe(0);
        expect(await count({ nosuchtag: 'x' })).toBe(0);
      });

      it('returns [] for empty ranges, empty measurements and inverted ranges', async () => {
        await store.write([point(base, { service: 's', collector: 'c1' })]);
        expect(await store.queryRollups({ ...q(), from: base + MIN_MS })).toEqual([]);
        expect(await store.queryRollups(q('inbound'))).toEqual([]);
        expect(await store.queryRollups({ ...q(), from: base + DAY_MS, to: base })).toEqual([]);
      });

      it('keeps measurements apart', async () => {
        await store.write([
          point(base, { service: 'api', collector: 'c1' }, { measurement: 'inbound', count: 100 }),
          point(base, { service: 'api', collector: 'c1' }, { count: 1 }),
        ]);
        expect(only(await store.queryRollups(q('inbound')))[0]?.count).toBe(100);
        expect(only(await store.queryRollups(q('api_calls')))[0]?.count).toBe(1);
        expect((await store.listSeries({ measurement: 'inbound' })).map((s) => s.measurement)).toEqual([
          'inbound',
        ]);
      });

      it('aggregates 5 min and 1 h steps exactly like the 10 s points they cover', async () => {
        const tags = [
          { provider: 'stripe', collector: 'c1' },
          { provider: 'stripe', collector: 'c2' },
          { provider: 'adyen', collector: 'c1' },
        ];
        const points: RollupPoint[] = [];
        for (let i = 0; i < 3 * 360; i++) {
          const t = tags[i % 3] as Tags;
          points.push(
            point(base + 3_600_000 + Math.floor(i / 3) * STEP_MS, t, {
              count: (i * 7) % 13,
              errors: i % 3,
              durationSumMs: i * 1.25,
              durationMaxMs: (i * 31) % 97,
              histogram: { [50 + (i % 11)]: 1 + (i % 4), [80 + (i % 5)]: 0.5 },
            }),
          );
        }
        await store.write(points);
        const fine = await store.queryRollups({ ...q(), groupBy: ['provider'] });
        for (const stepMs of [5 * MIN_MS, 60 * MIN_MS]) {
          const coarse = await store.queryRollups({ ...q(), stepMs, groupBy: ['provider'] });
          expect(coarse.map((g) => g.tags)).toEqual(fine.map((g) => g.tags));
          coarse.forEach((g, i) => {
            const expected = fold(fine[i]?.points ?? [], stepMs);
            expect(g.points.map(round)).toEqual(expected.map(round));
          });
        }
      });

      it('leaves histograms out when asked to (histogram: false), at fine and coarse steps', async () => {
        await store.write([
          point(base, { provider: 'a', collector: 'c1' }, { count: 2, histogram: { 3: 2 } }),
          point(
            base,
            { provider: 'b', collector: 'c1' },
            { count: 5, durationMaxMs: 99, histogram: { 4: 5 } },
          ),
        ]);
        for (const stepMs of [STEP_MS, 5 * MIN_MS]) {
          const [group] = await store.queryRollups({ ...q(), stepMs, histogram: false });
          expect(group?.points).toEqual([
            { timeMs: base, count: 7, errors: 2, durationSumMs: 1000, durationMaxMs: 99, histogram: {} },
          ]);
        }
      });

      it('writes and reads more points than one write batch holds', async () => {
        const points: RollupPoint[] = [];
        for (let s = 0; s < 40; s++) {
          for (let i = 0; i < 300; i++)
            points.push(point(base + i * STEP_MS, { endpoint: `/e${s}`, collector: 'c1' }, { count: 1 }));
        }
        await store.write(points);
        const all = only(await store.queryRollups({ ...q(), stepMs: DAY_MS }));
        expect(all[0]?.count).toBe(12_000);
        expect(await store.listSeries()).toHaveLength(40);
      });

      it('rejects invalid points as a non-retryable error', async () => {
        const bad = [
          point(base, { collector: 'c1' }, { count: Number.NaN }),
          point(base, { collector: 'c1' }, { durationMaxMs: -1 }),
          point(base, { 'bad key': 'x' }),
          point(base, { time: 'x' }),
          point(base, { collector: 'c1' }, { histogram: { 256: 1 } }),
          point(base + 0.5, { collector: 'c1' }),
        ];
        for (const p of bad) {
          const err = await store.write([p]).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(HeadroomError);
          expect((err as HeadroomError).retryable).toBe(false);
        }
      });
    });

    describe('tags', () => {
      const special = [
        'with space',
        'comma,inside',
        'equals=inside',
        'all , = three',
        'double"quote',
        "single'quote",
        'back\\slash',
        'back\\ slash space',
        'back\\,slash comma',
        'tab\there',
        'ünïcödé 東京',
        'emoji 😀🚀',
        ' leading and trailing ',
        '/v1/charges/{id}?x=1&y=2',
      ];

      it('round-trips unicode and line-protocol special characters in tag values', async () => {
        await store.write(
          special.map((v, i) => point(base, { endpoint: v, collector: 'c1' }, { count: i + 1 })),
        );
        const series = await store.listSeries();
        expect(series.map((s) => s.tags.endpoint).sort()).toEqual([...special].sort());
        const groups = await store.queryRollups({ ...q(), groupBy: ['endpoint'] });
        expect(new Map(groups.map((g) => [g.tags.endpoint, g.points[0]?.count]))).toEqual(
          new Map(special.map((v, i) => [v, i + 1])),
        );
        for (const [i, v] of special.entries()) {
          const hit = await store.queryRollups({ ...q(), where: { endpoint: v } });
          expect(only(hit)[0]?.count).toBe(i + 1);
        }
      });

      it('stores what line protocol cannot carry (newlines, a trailing backslash) in one documented form', async () => {
        const odd = ['line\nbreak', 'carriage\r\nreturn', 'ends with\\', 'only\\\\'];
        await store.write(odd.map((v, i) => point(base, { endpoint: v, collector: 'c1' }, { count: i + 1 })));
        const stored = (await store.listSeries()).map((s) => s.tags.endpoint).sort();
        expect(stored).toEqual(odd.map(storableTagValue).sort());
        expect(stored).toContain('line\\nbreak');
        for (const [i, v] of odd.entries()) {
          // Filtering by the original value finds the stored form.
          expect(only(await store.queryRollups({ ...q(), where: { endpoint: v } }))[0]?.count).toBe(i + 1);
        }
      });

      it('treats empty tag values as absent', async () => {
        await store.write([point(base, { service: 's', region: '', collector: 'c1' }, { count: 1 })]);
        await store.write([point(base, { service: 's', collector: 'c1' }, { count: 2 })]);
        const series = await store.listSeries();
        expect(series.map((s) => s.tags)).toEqual([{ collector: 'c1', service: 's' }]);
        expect(only(await store.queryRollups(q()))[0]?.count).toBe(2);
      });
    });

    describe('listSeries', () => {
      it('lists distinct full tag sets, filtered by measurement, where, from and limit', async () => {
        await store.write([
          point(base, { provider: 'stripe', collector: 'c1' }),
          point(base + 60 * MIN_MS, { provider: 'stripe', collector: 'c1' }),
          point(base, { provider: 'adyen', collector: 'c1' }),
          point(base + 30 * MIN_MS, { provider: 'adyen', collector: 'c2' }),
          point(base, { service: 'api', collector: 'c1' }, { measurement: 'inbound' }),
        ]);
        const tagsOf = (s: { tags: Tags }[]) => s.map((x) => x.tags);
        expect(await store.listSeries()).toHaveLength(4);
        // Ordered by canonical JSON of (measurement, tags with sorted keys).
        expect(tagsOf(await store.listSeries({ measurement: 'api_calls' }))).toEqual([
          { collector: 'c1', provider: 'adyen' },
          { collector: 'c1', provider: 'stripe' },
          { collector: 'c2', provider: 'adyen' },
        ]);
        expect(tagsOf(await store.listSeries({ where: { provider: 'adyen' } }))).toHaveLength(2);
        expect(tagsOf(await store.listSeries({ where: { collector: ['c2'] } }))).toEqual([
          { collector: 'c2', provider: 'adyen' },
        ]);
        expect(
          tagsOf(await store.listSeries({ measurement: 'api_calls', from: base + 20 * MIN_MS })),
        ).toEqual([
          { collector: 'c1', provider: 'stripe' },
          { collector: 'c2', provider: 'adyen' },
        ]);
        expect(await store.listSeries({ measurement: 'api_calls', limit: 2 })).toHaveLength(2);
        expect(await store.listSeries({ where: { provider: [] } })).toEqual([]);
      });
    });

    describe('records', () => {
      it('upserts by (kind, id) and queries by time range, tags, ids, order and limit', async () => {
        const t = base + 3_600_000;
        await store.putRecords([
          anomaly('a1', t, { provider: 'stripe', signal: 'latency_p95_ms' }),
          anomaly('a2', t + MIN_MS, { provider: 'adyen', signal: 'latency_p95_ms' }),
          anomaly('a3', t + 2 * MIN_MS, { provider: 'stripe', signal: 'error_ratio' }),
          incident('i1', t, 'Stripe slow'),
        ]);
        const ids = (rs: StoredRecord[]) => rs.map((r) => r.id);
        expect(ids(await store.queryRecords({ kind: 'anomaly' }))).toEqual(['a3', 'a2', 'a1']);
        expect(ids(await store.queryRecords({ kind: 'anomaly', order: 'asc' }))).toEqual(['a1', 'a2', 'a3']);
        expect(ids(await store.queryRecords({ kind: 'anomaly', limit: 2 }))).toEqual(['a3', 'a2']);
        expect(
          ids(await store.queryRecords({ kind: 'anomaly', from: t + MIN_MS, to: t + 2 * MIN_MS })),
        ).toEqual(['a2']);
        expect(ids(await store.queryRecords({ kind: 'anomaly', where: { provider: 'stripe' } }))).toEqual([
          'a3',
          'a1',
        ]);
        expect(
          ids(await store.queryRecords({ kind: 'anomaly', where: { provider: ['adyen', 'x'] } })),
        ).toEqual(['a2']);
        expect(ids(await store.queryRecords({ kind: 'anomaly', ids: ['a1', 'a3', 'nope'] }))).toEqual([
          'a3',
          'a1',
        ]);
        expect(await store.queryRecords({ kind: 'anomaly', ids: [] })).toEqual([]);
        expect(await store.queryRecords({ kind: 'anomaly', where: { provider: [] } })).toEqual([]);
        expect(ids(await store.queryRecords({ kind: 'incident' }))).toEqual(['i1']);
        expect(await store.queryRecords({ kind: 'decision' })).toEqual([]);

        const [a1] = await store.queryRecords({ kind: 'anomaly', ids: ['a1'] });
        expect(a1).toEqual(anomaly('a1', t, { provider: 'stripe', signal: 'latency_p95_ms' }));

        // Rewriting an id replaces its body; it stays one record.
        await store.putRecords([anomaly('a1', t, { provider: 'stripe', signal: 'latency_p95_ms' }, 0.3)]);
        const again = await store.queryRecords({ kind: 'anomaly', ids: ['a1'] });
        expect(again.map((r) => r.body.score)).toEqual([0.3]);
        expect(await store.queryRecords({ kind: 'anomaly' })).toHaveLength(3);
      });

      it('deletes by id, ignoring unknown ids', async () => {
        const t = base + 3_600_000;
        await store.putRecords([
          incident('i1', t, 'one'),
          incident('i2', t, 'two'),
          incident('i3', t + 1, 'three'),
        ]);
        await store.deleteRecords('incident', ['i2', 'unknown']);
        expect(
          (await store.queryRecords({ kind: 'incident', order: 'asc' })).map((r) => r.id).sort(),
        ).toEqual(['i1', 'i3']);
        await store.deleteRecords('incident', []);
        await store.deleteRecords('anomaly', ['i1']);
        expect(await store.queryRecords({ kind: 'incident' })).toHaveLength(2);
        await store.deleteRecords('incident', ['i1', 'i3']);
        expect(await store.queryRecords({ kind: 'incident' })).toEqual([]);
      });

      it('round-trips special characters in record tags, ids and bodies', async () => {
        const tags = { provider: 'a,b=c d', endpoint: 'emoji 😀 "q" \\ back', signal: 'x' };
        const r = anomaly('id with spaces, commas="quotes" and ünïcödé', base + 1, tags);
        const body = { ...r.body, explanation: 'line1\nline2 "quoted" \\ tab\t 東京' };
        await store.putRecords([{ ...r, body }]);
        const [got] = await store.queryRecords({ kind: 'anomaly', where: { provider: 'a,b=c d' } });
        expect(got).toEqual({ ...r, body });
        await store.deleteRecords('anomaly', [r.id]);
        expect(await store.queryRecords({ kind: 'anomaly' })).toEqual([]);
      });

      it('rejects a body that does not match its kind, as non-retryable', async () => {
        const bad = { ...anomaly('x', base, {}), body: { signal: 'x' } } as unknown as StoredRecord;
        const err = await store.putRecords([bad]).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(HeadroomError);
        expect((err as HeadroomError).retryable).toBe(false);
      });
    });

    describe('retention', () => {
      it('keeps no rollups or records older than retentionDays', async () => {
        const old = clock.now() - (subject.retentionDays + 2) * DAY_MS;
        const recent = clock.now() - DAY_MS;
        const tags = { service: 's', collector: 'c1' };
        await store.write([point(old, tags, { count: 1 }), point(recent, tags, { count: 2 })]);
        await store.putRecords([incident('old', old, 'old'), incident('new', recent, 'new')]);
        await subject.enforceRetention(store);
        const range = {
          measurement: 'api_calls' as const,
          from: old - DAY_MS,
          to: clock.now(),
          stepMs: STEP_MS,
        };
        expect(only(await store.queryRollups(range)).map((p) => p.count)).toEqual([2]);
        expect((await store.queryRecords({ kind: 'incident' })).map((r) => r.id)).toEqual(['new']);
      });
    });
  });
}

function sortKeys(tags: Tags): Tags {
  return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Floating-point sums differ in the last bits between SQLite, InfluxDB and JS: compare to 1e-9. */
function round(p: RollupAggregate): RollupAggregate {
  const r = (v: number) => Math.round(v * 1e9) / 1e9;
  return {
    timeMs: p.timeMs,
    count: p.count,
    errors: p.errors,
    durationSumMs: r(p.durationSumMs),
    durationMaxMs: p.durationMaxMs,
    histogram: Object.fromEntries(Object.entries(p.histogram).map(([k, v]) => [k, r(v)])),
  };
}
