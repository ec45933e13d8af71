import { describe, expect, it } from 'vitest';
import { HeadroomError } from '../../core/errors.js';
import { HoltWinters } from './holt-winters.js';
import { SeasonalNaive } from './seasonal-naive.js';
import { syntheticLoad } from './testing/synthetic-series.js';

function mae(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs((a[i] as number) - (b[i] as number));
  return s / a.length;
}

describe('HoltWinters', () => {
  it('beats seasonal naive on a trend + season series', async () => {
    const full = syntheticLoad({ days: 24, noise: 0.05, trendPerDay: 0.03, weekendDip: 0.2, seed: 7 });
    const n = full.values.length;
    const horizon = 6;
    const hw = new HoltWinters({ targetHorizonSteps: horizon });
    await hw.fit([{ ...full, values: full.values.subarray(0, n - 72) }]);
    expect(hw.params).toBeDefined();
    const origins = Int32Array.from({ length: 66 }, (_, k) => n - 72 + k);
    const horizons = new Int32Array(origins.length).fill(horizon);
    const actual = Float64Array.from(origins, (o) => full.values[o + horizon] as number);
    const hwBand = await hw.forecastOrigins(full, origins, horizons);
    const naive = await new SeasonalNaive({ season: 'daily' }).forecastOrigins(full, origins, horizons);
    expect(mae(actual, hwBand.p50)).toBeLessThan(mae(actual, naive.p50));
  });

  it('gives finite ordered quantiles, handles gaps and a constant series', async () => {
    const series = syntheticLoad({ days: 16, noise: 0.2, seed: 8 });
    const gappy = Float64Array.from(series.values);
    for (let i = 100; i < 130; i++) gappy[i] = Number.NaN;
    const cases = [
      { ...series, values: gappy },
      { ...series, values: new Float64Array(series.values.length).fill(5) },
      { ...series, values: new Float64Array(series.values.length) },
    ];
    for (const history of cases) {
      const hw = new HoltWinters();
      await hw.fit([history]);
      const f = await hw.forecast(history, 30);
      expect(f.p50).toHaveLength(30);
      for (let k = 0; k < 30; k++) {
        expect([f.p10[k], f.p50[k], f.p90[k]].every(Number.isFinite)).toBe(true);
        expect(f.p10[k]).toBeLessThanOrEqual(f.p50[k]!);
        expect(f.p50[k]).toBeLessThanOrEqual(f.p90[k]!);
      }
    }
  });

  it('restores a snapshot to identical forecasts and refuses to forecast unfitted', async () => {
    const series = syntheticLoad({ days: 15, noise: 0.2, seed: 9 });
    const a = new HoltWinters();
    await expect(a.forecast(series, 3)).rejects.toBeInstanceOf(HeadroomError);
    await a.fit([series]);
    const b = new HoltWinters();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(await b.forecast(series, 24)).toEqual(await a.forecast(series, 24));
    a.dispose();
    a.dispose();
  });

  it('needs two days of history', async () => {
    const short = syntheticLoad({ days: 1, seed: 10 });
    await expect(new HoltWinters().fit([short])).rejects.toMatchObject({ code: 'insufficient_history' });
  });
});
