import { describe, expect, it } from 'vitest';
import {
  addExplicitBuckets,
  bucketIndex,
  bucketUpperMs,
  bucketValueMs,
  HISTOGRAM_GAMMA,
  HISTOGRAM_MAX_INDEX,
  mergeInto,
  quantileMs,
  recordValue,
  totalCount,
  type SparseHistogram,
} from './histogram.js';

describe('log histogram', () => {
  it('puts a value in the bucket whose range holds it', () => {
    for (const v of [0.011, 0.5, 1, 7.3, 180, 760, 12_345, 3_600_000]) {
      const i = bucketIndex(v);
      expect(v).toBeLessThanOrEqual(bucketUpperMs(i) * (1 + 1e-12));
      expect(v).toBeGreaterThan(bucketUpperMs(i - 1) * (1 - 1e-12));
    }
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(-5)).toBe(0);
    expect(bucketIndex(Number.NaN)).toBe(0);
    expect(bucketIndex(1e12)).toBe(HISTOGRAM_MAX_INDEX);
  });

  it('reports quantiles within the documented relative error', () => {
    const bound = (HISTOGRAM_GAMMA - 1) / (HISTOGRAM_GAMMA + 1) + 1e-12;
    for (const v of [0.2, 3, 42, 999, 86_400]) {
      const h: SparseHistogram = {};
      recordValue(h, v);
      expect(Math.abs(quantileMs(h, 0.5) - v) / v).toBeLessThanOrEqual(bound);
    }
  });

  it('computes nearest-rank quantiles that survive merging', () => {
    const a: SparseHistogram = {};
    const b: SparseHistogram = {};
    for (let i = 1; i <= 50; i++) recordValue(a, i * 10);
    for (let i = 51; i <= 100; i++) recordValue(b, i * 10);
    const merged = mergeInto(mergeInto({}, a), b);
    expect(totalCount(merged)).toBe(100);
    expect(quantileMs(merged, 0.95)).toBe(bucketValueMs(bucketIndex(950)));
    expect(quantileMs(merged, 0.5)).toBe(bucketValueMs(bucketIndex(500)));
    expect(quantileMs(merged, 1)).toBe(bucketValueMs(bucketIndex(1000)));
    expect(quantileMs({}, 0.5)).toBeNaN();
  });

  it('spreads explicit OpenTelemetry buckets over the log buckets they cover', () => {
    const h: SparseHistogram = {};
    // bounds 0,5,10,25 ms; counts per bucket (last is the overflow bucket)
    addExplicitBuckets(h, [0, 5, 10, 25], [0, 4, 6, 10, 2], 0.5, 40);
    expect(totalCount(h)).toBeCloseTo(22, 9);
    const p50 = quantileMs(h, 0.5);
    expect(p50).toBeGreaterThan(5);
    expect(p50).toBeLessThanOrEqual(25);
    expect(quantileMs(h, 1)).toBeLessThanOrEqual(40 * HISTOGRAM_GAMMA);
  });
});
