import { describe, expect, it } from 'vitest';
import { resample } from './time-series.js';

describe('resample', () => {
  const t0 = 1_700_000_040_000; // a multiple of 60 s
  it('aligns to the step, combines duplicates and leaves gaps as NaN', () => {
    const samples = [
      { timeMs: t0 + 125_000, value: 5 },
      { timeMs: t0, value: 1 },
      { timeMs: t0 + 10_000, value: 2 },
      { timeMs: t0 + 240_000, value: Number.NaN },
      { timeMs: t0 + 245_000, value: 7 },
    ];
    const sum = resample(samples, 60_000, 'sum');
    expect(sum.startMs).toBe(t0);
    expect([...sum.values]).toEqual([3, Number.NaN, 5, Number.NaN, 7]);
    expect([...resample(samples, 60_000, 'mean').values]).toEqual([1.5, Number.NaN, 5, Number.NaN, 7]);
    expect([...resample(samples, 60_000, 'last').values]).toEqual([2, Number.NaN, 5, Number.NaN, 7]);
  });

  it('handles empty input and rejects a bad step', () => {
    expect(resample([], 1000, 'sum').values.length).toBe(0);
    expect(() => resample([], 0, 'sum')).toThrow(RangeError);
  });
});
