import { describe, expect, it } from 'vitest';
import type { RegularSeries } from '../../../core/time-series.js';
import { scalingPolicyConfigSchema } from './config.js';
import { horizonStepsFor, walkForwardScaling, type RowForecasts } from './walk-forward.js';

const MINUTE = 60_000;
const config = scalingPolicyConfigSchema.parse({
  service: 'api',
  capacityPerReplica: 10,
  startupDelaySeconds: 60,
});

/** Forecasts where row t predicts `predict(t, h)` for row t + h; rows before `first` warm up. */
function rowForecasts(
  n: number,
  H: number,
  predict: (t: number, h: number) => number,
  first = 0,
  failed: number[] = [],
): RowForecasts {
  const p50 = new Float64Array(n * H);
  for (let t = 0; t < n; t++) for (let h = 1; h <= H; h++) p50[t * H + h - 1] = predict(t, h);
  return {
    horizonSteps: H,
    p10: p50.map((v) => v * 0.8),
    p50,
    p90: p50.map((v) => v * 1.2),
    missing: (t) => (t < first ? 'warming_up' : failed.includes(t) ? 'failed' : undefined),
    modelId: 'test',
    modelVersion: '1',
  };
}

function seriesOf(values: number[]): RegularSeries {
  return { startMs: 0, stepMs: MINUTE, values: Float64Array.from(values) };
}

describe('walkForwardScaling', () => {
  const loads = Array.from({ length: 120 }, (_, i) => 50 + 40 * Math.sin(i / 9) + ((i * 37) % 11));

  it.each([
    {
      name: 'appending rows',
      values: loads,
      predict: (t: number, h: number) => loads[Math.min(t + h, 119)] ?? 0,
    },
    {
      name: 'changing loads and forecasts after the cut',
      values: loads.map((v, i) => (i >= 60 ? v * 3 : v)),
      predict: (t: number, h: number) => (t >= 60 ? 400 : (loads[Math.min(t + h, 119)] ?? 0)),
    },
  ])('decisions up to row t never change by $name', ({ values, predict }) => {
    const cut = 60;
    const H = horizonStepsFor(config, MINUTE);
    const short = walkForwardScaling(
      seriesOf(loads.slice(0, cut)),
      rowForecasts(cut, H, (t, h) => loads[Math.min(t + h, 119)] ?? 0),
      config,
    );
    const long = walkForwardScaling(seriesOf(values), rowForecasts(values.length, H, predict), config);
    expect(Array.from(long.replicas.subarray(0, cut))).toEqual(Array.from(short.replicas));
  });

  it('uses the forecast made at row t for the decision at row t', () => {
    const H = horizonStepsFor(config, MINUTE);
    // only row 10 foresees a surge of 200 (p90 240) one step ahead
    const r = walkForwardScaling(
      seriesOf(Array(20).fill(10)),
      rowForecasts(20, H, (t) => (t === 10 ? 200 : 10)),
      config,
    );
    expect(r.replicas[9]).toBe(2);
    expect(r.replicas[10]).toBe(24);
  });

  it('scales on current load with HPA headroom while the forecaster warms up, in both directions', () => {
    const values = Array(30).fill(10);
    values.fill(200, 5, 10);
    const r = walkForwardScaling(
      seriesOf(values),
      rowForecasts(30, 2, () => 0, 30),
      config,
    );
    // 200 / (10 × 0.8) = 25 during the burst, back to 2 after it (10 / 8 → 2)
    expect(r.replicas[7]).toBe(25);
    expect(r.replicas[29]).toBe(2);
    expect(r.withoutForecast).toEqual({ warming_up: 30, failed: 0 });
  });

  it('holds scale-in while forecasts fail', () => {
    const values = Array(30).fill(200);
    values.fill(10, 10);
    const failing = Array.from({ length: 30 }, (_, i) => i);
    const r = walkForwardScaling(
      seriesOf(values),
      rowForecasts(30, 2, () => 0, 0, failing),
      config,
    );
    expect(r.replicas[9]).toBe(25);
    expect(r.replicas[29]).toBe(25);
    expect(r.withoutForecast.failed).toBe(30);
  });

  it.each([
    { delay: 60, look: 0, stepMs: MINUTE, want: 2 },
    { delay: 300, look: 0, stepMs: MINUTE, want: 6 },
    { delay: 90, look: 0, stepMs: MINUTE, want: 2 },
    { delay: 300, look: 0, stepMs: 3_600_000, want: 1 },
    { delay: 60, look: 120, stepMs: MINUTE, want: 4 },
  ])(
    'horizon for delay $delay s + lookahead $look s at $stepMs ms steps: $want',
    ({ delay, look, stepMs, want }) => {
      const c = scalingPolicyConfigSchema.parse({
        service: 'a',
        capacityPerReplica: 1,
        startupDelaySeconds: delay,
        lookaheadSeconds: look,
      });
      expect(horizonStepsFor(c, stepMs)).toBe(want);
    },
  );
});
