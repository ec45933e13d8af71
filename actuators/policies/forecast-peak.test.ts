import { describe, expect, it } from 'vitest';
import type { Forecast } from '../../core/forecaster.js';
import { forecastPeak, quantileAt } from './forecast-peak.js';

const STEP = 60_000;
function forecast(p50: number[], spread = 10): Forecast {
  return {
    startMs: 0,
    stepMs: STEP,
    p10: Float64Array.from(p50.map((v) => v - spread)),
    p50: Float64Array.from(p50),
    p90: Float64Array.from(p50.map((v) => v + spread)),
    modelId: 'fake',
    modelVersion: '1',
  };
}

describe('forecastPeak', () => {
  it.each([
    { name: 'one step window', from: 0, to: 0, level: 0.9, want: { value: 110, atMs: 0 } },
    {
      name: 'window reaching into step 2 includes it',
      from: 0,
      to: 2 * STEP,
      level: 0.9,
      want: { value: 310, atMs: 2 * STEP },
    },
    {
      name: 'window ending inside step 1 stops there',
      from: 0,
      to: STEP + 1,
      level: 0.5,
      want: { value: 200, atMs: STEP },
    },
    {
      name: 'window starting later skips earlier steps',
      from: 2 * STEP,
      to: 3 * STEP,
      level: 0.5,
      want: { value: 300, atMs: 2 * STEP },
    },
    { name: 'p10 level', from: 0, to: 0, level: 0.1, want: { value: 90, atMs: 0 } },
    {
      name: 'forecast too short for the window: missing',
      from: 0,
      to: 4 * STEP,
      level: 0.9,
      want: undefined,
    },
    {
      name: 'stale forecast (window before it) still needs to reach the end',
      from: -5 * STEP,
      to: 0,
      level: 0.5,
      want: { value: 100, atMs: 0 },
    },
  ])('$name', ({ from, to, level, want }) => {
    expect(forecastPeak(forecast([100, 200, 300, 150]), level, from, to)).toEqual(want);
  });

  it('treats a NaN inside the window as a missing forecast', () => {
    expect(forecastPeak(forecast([100, Number.NaN, 300]), 0.5, 0, 2 * STEP)).toBeUndefined();
  });

  it('interpolates levels between the published quantiles on a normal approximation', () => {
    const f = forecast([100], 12.8155);
    expect(quantileAt(f, 0.5, 0)).toBe(100);
    expect(quantileAt(f, 0.9, 0)).toBeCloseTo(112.8155, 6);
    // probit(0.75) = 0.6745: 0.6745 / 1.2816 of the way to p90
    expect(quantileAt(f, 0.75, 0)).toBeCloseTo(100 + 6.745, 2);
    expect(quantileAt(f, 0.25, 0)).toBeCloseTo(100 - 6.745, 2);
  });
});
