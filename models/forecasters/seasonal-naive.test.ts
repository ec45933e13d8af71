import { describe, expect, it } from 'vitest';
import { HeadroomError } from '../../core/errors.js';
import { SeasonalNaive } from './seasonal-naive.js';
import { syntheticLoad } from './testing/synthetic-series.js';

const HOUR = 3_600_000;

describe('SeasonalNaive', () => {
  it.each([
    ['daily', 24],
    ['weekly', 168],
  ] as const)('repeats a %s-periodic series exactly with a zero-width band', async (season, period) => {
    const values = Float64Array.from({ length: 3 * period }, (_, i) => 10 + ((i * 7) % period));
    const model = new SeasonalNaive({ season });
    const f = await model.forecast({ startMs: 0, stepMs: HOUR, values }, period + 5);
    expect(f.p50).toHaveLength(period + 5);
    for (let k = 0; k < period + 5; k++) {
      const expected = values[(3 * period + k) % period] as number;
      expect(f.p50[k]).toBe(expected);
      expect(f.p10[k]).toBe(expected);
      expect(f.p90[k]).toBe(expected);
    }
    expect(f.startMs).toBe(3 * period * HOUR);
    expect(f.modelId).toBe(`seasonal-naive-${season}`);
  });

  it('gives ordered, finite, non-negative quantiles on noisy load', async () => {
    const series = syntheticLoad({ days: 21, noise: 0.2, weekendDip: 0.3, seed: 3 });
    for (const season of ['daily', 'weekly', 'none'] as const) {
      const f = await new SeasonalNaive({ season }).forecast(series, 48);
      for (let k = 0; k < 48; k++) {
        expect(Number.isFinite(f.p10[k]) && Number.isFinite(f.p50[k]) && Number.isFinite(f.p90[k])).toBe(
          true,
        );
        expect(f.p10[k]).toBeLessThanOrEqual(f.p50[k]!);
        expect(f.p50[k]).toBeLessThanOrEqual(f.p90[k]!);
        expect(f.p10[k]).toBeGreaterThanOrEqual(0);
      }
      expect(f.p90[0]! - f.p10[0]!).toBeGreaterThan(0);
    }
  });

  it('fills gaps from a season earlier instead of returning NaN', async () => {
    const series = syntheticLoad({ days: 15, noise: 0.1, seed: 4 });
    const values = Float64Array.from(series.values);
    const n = values.length;
    for (let i = n - 30; i < n - 10; i++) values[i] = Number.NaN;
    const f = await new SeasonalNaive({ season: 'daily' }).forecast({ ...series, values }, 24);
    expect([...f.p50].every(Number.isFinite)).toBe(true);
  });

  it('forecastOrigins uses only values up to each origin', async () => {
    const series = syntheticLoad({ days: 20, noise: 0.3, seed: 5 });
    const model = new SeasonalNaive({ season: 'weekly' });
    const origins = Int32Array.from([300, 301, 350]);
    const horizons = Int32Array.from([5, 24, 30]);
    const before = await model.forecastOrigins(series, origins, horizons);
    const changed = Float64Array.from(series.values);
    for (let i = 301; i < changed.length; i++) changed[i] = 1e6; // everything after the first origin
    const after = await model.forecastOrigins({ ...series, values: changed }, origins, horizons);
    expect(after.p50[0]).toBe(before.p50[0]);
    expect(after.p10[0]).toBe(before.p10[0]);
    expect(after.p90[0]).toBe(before.p90[0]);
  });

  it('refuses too short a history with a HeadroomError, and persistence needs one value', async () => {
    const short = { startMs: 0, stepMs: HOUR, values: new Float64Array(10).fill(3) };
    await expect(new SeasonalNaive({ season: 'daily' }).forecast(short, 2)).rejects.toBeInstanceOf(
      HeadroomError,
    );
    const f = await new SeasonalNaive({ season: 'none' }).forecast(
      { ...short, values: Float64Array.of(7) },
      3,
    );
    expect([...f.p50]).toEqual([7, 7, 7]);
  });

  it('snapshots, restores and disposes', async () => {
    const series = syntheticLoad({ days: 10, noise: 0.2, seed: 6 });
    const a = new SeasonalNaive({ season: 'daily' });
    const b = new SeasonalNaive({ season: 'daily' });
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(await b.forecast(series, 12)).toEqual(await a.forecast(series, 12));
    expect(() => b.restore({ modelId: 'other', modelVersion: '1' })).toThrow(HeadroomError);
    a.dispose();
    a.dispose();
  });
});
