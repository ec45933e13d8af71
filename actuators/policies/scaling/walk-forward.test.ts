import { describe, expect, it } from 'vitest';
import type { Forecast, Forecaster } from '../../../core/forecaster.js';
import type { RegularSeries } from '../../../core/time-series.js';
import { HoltWinters } from '../../../models/forecasters/holt-winters.js';
import { syntheticLoad } from '../../../models/forecasters/testing/synthetic-series.js';
import { scalingPolicyConfigSchema } from './config.js';
import { walkForwardScaling, type WalkForwardOptions } from './walk-forward.js';

const HOUR = 3_600_000;
const config = scalingPolicyConfigSchema.parse({
  service: 'api',
  capacityPerReplica: 20,
  startupDelaySeconds: 300,
});
const options: WalkForwardOptions = { refitEverySteps: 24, historyWindowSteps: 24 * 35, minHistorySteps: 48 };

/** Persistence with a ±10 % band; records the end of every history it is shown. */
class RecordingForecaster implements Forecaster {
  readonly id = 'recording';
  readonly version = '1';
  readonly seenEnds: number[] = [];
  readonly fitEnds: number[] = [];
  async fit(histories: readonly RegularSeries[]): Promise<void> {
    const h = histories[0]!;
    this.fitEnds.push(h.startMs + h.values.length * h.stepMs);
  }
  async forecast(history: RegularSeries, horizonSteps: number): Promise<Forecast> {
    const last = history.values[history.values.length - 1] ?? 0;
    this.seenEnds.push(history.startMs + history.values.length * history.stepMs);
    const fill = (k: number) => new Float64Array(horizonSteps).fill(last * k);
    return {
      startMs: history.startMs + history.values.length * history.stepMs,
      stepMs: history.stepMs,
      p10: fill(0.9),
      p50: fill(1),
      p90: fill(1.1),
      modelId: this.id,
      modelVersion: this.version,
    };
  }
  snapshot() {
    return { modelId: this.id, modelVersion: this.version };
  }
  restore(): void {}
  dispose(): void {}
}

function prefix(series: RegularSeries, n: number): RegularSeries {
  return { ...series, values: series.values.slice(0, n) };
}

describe('walkForwardScaling', () => {
  const series = syntheticLoad({
    days: 6,
    stepMs: HOUR,
    level: 200,
    dailyAmplitude: 0.6,
    noise: 0.05,
    seed: 7,
  });

  it('shows the forecaster only rows up to the decision row', async () => {
    const f = new RecordingForecaster();
    await walkForwardScaling(series, f, config, options);
    const n = series.values.length;
    expect(f.seenEnds).toHaveLength(n - options.minHistorySteps + 1);
    f.seenEnds.forEach((end, i) => expect(end).toBe(series.startMs + (options.minHistorySteps + i) * HOUR));
    // fitted first at 48 rows, then whenever (t + 1) is a multiple of 24
    expect(f.fitEnds.map((end) => (end - series.startMs) / HOUR)).toEqual([48, 72, 96, 120, 144]);
  });

  it.each([
    { name: 'appending rows', change: (s: RegularSeries) => s },
    {
      name: 'changing every row after the cut',
      change: (s: RegularSeries) => ({ ...s, values: s.values.map((v, i) => (i >= 100 ? v * 3 + 50 : v)) }),
    },
  ])('with the daemon forecaster, $name never changes earlier decisions', async ({ change }) => {
    const cut = 100;
    const short = await walkForwardScaling(
      prefix(series, cut),
      new HoltWinters({ targetHorizonSteps: 2, maxHorizonSteps: 2 }),
      config,
      options,
    );
    const full = await walkForwardScaling(
      change(series),
      new HoltWinters({ targetHorizonSteps: 2, maxHorizonSteps: 2 }),
      config,
      options,
    );
    expect(Array.from(full.replicas.subarray(0, cut))).toEqual(Array.from(short.replicas));
    expect(full.fits).toBeGreaterThan(1);
    expect(full.forecastFailures).toBe(0);
  });

  it('scales on current load alone while the forecaster warms up, in both directions', async () => {
    const values = new Float64Array(30).fill(10);
    values.fill(200, 5, 10);
    const result = await walkForwardScaling(
      { startMs: 0, stepMs: HOUR, values },
      new RecordingForecaster(),
      config,
      options,
    );
    // 200 / (20 × 0.8) = 12.5 → 13 during the burst, back to 1 after it (no forecast yet)
    expect(result.replicas[7]).toBe(13);
    expect(result.replicas[29]).toBe(1);
  });

  it('holds scale-in when the forecaster fails after it was fitted', async () => {
    const failing = new RecordingForecaster();
    failing.forecast = async () => {
      throw new Error('model failed');
    };
    const values = new Float64Array(60).fill(200);
    values.fill(10, 50);
    const result = await walkForwardScaling({ startMs: 0, stepMs: HOUR, values }, failing, config, options);
    expect(result.forecastFailures).toBe(60 - 47);
    expect(result.replicas[59]).toBe(result.replicas[49]);
  });
});
