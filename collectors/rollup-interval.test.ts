import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketIndex } from '../core/histogram.js';
import { SeriesAccumulator } from './rollup-interval.js';

describe('SeriesAccumulator', () => {
  it('keeps exactly the buckets of what it observed, whatever the order (window growth)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e8, noNaN: true }), { maxLength: 300 }), (durations) => {
        const acc = new SeriesAccumulator('api_calls', {});
        for (const d of durations) acc.observe(d, false);
        const expected: Record<number, number> = {};
        for (const d of durations) expected[bucketIndex(d)] = (expected[bucketIndex(d)] ?? 0) + 1;
        const point = acc.toPoint(0);
        expect(point.histogram).toEqual(expected);
        expect(point.count).toBe(durations.length);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('merges pre-aggregated histograms and keeps the largest max', () => {
    const acc = new SeriesAccumulator('api_calls', {});
    acc.observe(5, true);
    acc.add(3, 1, 30, 12, { 255: 1, 0: 1, 100: 1.5 });
    expect(acc.toPoint(10)).toEqual({
      measurement: 'api_calls',
      timeMs: 10,
      tags: {},
      count: 4,
      errors: 2,
      durationSumMs: 35,
      durationMaxMs: 12,
      histogram: { 0: 1, [bucketIndex(5)]: 1, 100: 1.5, 255: 1 },
    });
  });
});
