import { describe, expect, it } from 'vitest';
import { HoltWinters } from '../../models/forecasters/holt-winters.js';
import { SeasonalNaive } from '../../models/forecasters/seasonal-naive.js';
import { syntheticLoad } from '../../models/forecasters/testing/synthetic-series.js';
import { forecastRows } from './forecast-rows.js';

const HOUR = 3_600_000;
const chain = () => [
  new HoltWinters({ targetHorizonSteps: 2, maxHorizonSteps: 2 }),
  new SeasonalNaive({ season: 'daily' }),
];

describe('forecastRows', () => {
  const series = syntheticLoad({
    days: 5,
    stepMs: HOUR,
    level: 100,
    dailyAmplitude: 0.5,
    noise: 0.05,
    seed: 11,
  });

  it('warms up until a model of the chain has enough history, then forecasts every row', async () => {
    const f = await forecastRows(series, { horizonSteps: 2, models: chain() });
    // daily seasonal naive needs a day and a step (25 rows): the first forecast is from row 24
    expect(f.missing(23)).toBe('warming_up');
    expect(f.missing(24)).toBeUndefined();
    expect(Number.isNaN(f.p50[23 * 2])).toBe(true);
    expect(Number.isFinite(f.p50[24 * 2])).toBe(true);
    expect(f.modelsUsed).toEqual({ 'seasonal-naive-daily': 24, 'holt-winters': 72 });
  });

  it('is causal: changing rows after a cut never changes forecasts made before it', async () => {
    const cut = 80;
    const changed = { ...series, values: series.values.map((v, i) => (i >= cut ? v * 5 : v)) };
    const a = await forecastRows(
      { ...series, values: series.values.slice(0, cut) },
      { horizonSteps: 2, models: chain() },
    );
    const b = await forecastRows(changed, { horizonSteps: 2, models: chain() });
    expect(Array.from(b.p90.subarray(0, cut * 2))).toEqual(Array.from(a.p90));
    expect(Array.from(b.p50.subarray(0, cut * 2))).toEqual(Array.from(a.p50));
  });
});
