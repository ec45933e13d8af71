import { describe, expect, it } from 'vitest';
import { HeadroomError } from '../../../core/errors.js';
import { syntheticLoad } from '../testing/synthetic-series.js';
import { QuantileMlp } from './quantile-mlp.js';

const small = {
  horizonSteps: 4,
  samplesPerFit: 2000,
  epochs: 2,
  refitEpochs: 1,
  hiddenUnits: [16, 8] as const,
};
const histories = [1, 2].map((seed) =>
  syntheticLoad({ days: 16, noise: 0.15, weekendDip: 0.3, level: 40 * seed, seed }),
);

describe('QuantileMlp', () => {
  it('forecasts every step with finite, ordered, non-negative quantiles', async () => {
    const model = new QuantileMlp(small);
    await model.fit(histories);
    const f = await model.forecast(histories[0]!, 24);
    expect(f.p50).toHaveLength(24);
    expect(f.modelId).toBe('quantile-mlp');
    for (let k = 0; k < 24; k++) {
      expect([f.p10[k], f.p50[k], f.p90[k]].every(Number.isFinite)).toBe(true);
      expect(f.p10[k]).toBeLessThanOrEqual(f.p50[k]!);
      expect(f.p50[k]).toBeLessThanOrEqual(f.p90[k]!);
      expect(f.p10[k]).toBeGreaterThanOrEqual(0);
    }
    const many = await model.forecastMany(histories, 6);
    expect(many.map((m) => m.p50.length)).toEqual([6, 6]);
    model.dispose();
    model.dispose();
  });

  it('is deterministic and restores a snapshot to identical forecasts', async () => {
    const a = new QuantileMlp(small);
    const b = new QuantileMlp(small);
    await a.fit(histories);
    await b.fit(histories);
    const fa = await a.forecast(histories[1]!, 8);
    expect(await b.forecast(histories[1]!, 8)).toEqual(fa);
    const c = new QuantileMlp();
    c.restore(JSON.parse(JSON.stringify(a.snapshot())));
    expect(await c.forecast(histories[1]!, 8)).toEqual(fa);
    for (const m of [a, b, c]) m.dispose();
  });

  it('refuses to forecast before fit or restore, and to fit on less than two days', async () => {
    const model = new QuantileMlp(small);
    await expect(model.forecast(histories[0]!, 2)).rejects.toBeInstanceOf(HeadroomError);
    const short = { ...histories[0]!, values: histories[0]!.values.subarray(0, 30) };
    await expect(model.fit([short])).rejects.toMatchObject({ code: 'insufficient_history' });
    expect(() => model.restore({ modelId: 'holt-winters', modelVersion: '1' })).toThrow(HeadroomError);
  });
});
