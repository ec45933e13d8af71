import { describe, expect, it } from 'vitest';
import { modelsConfigSchema } from '../config.js';

describe('forecasting config', () => {
  it('fills defaults and rejects unknown keys and models', () => {
    const c = modelsConfigSchema.parse({});
    expect(c.forecasting).toMatchObject({
      model: 'quantile-mlp',
      stepSeconds: 60,
      retrainCron: '17 3 * * *',
    });
    expect(c.forecasting.training.epochs).toBe(8);
    expect(modelsConfigSchema.safeParse({ forecasting: { modle: 'x' } }).success).toBe(false);
    expect(modelsConfigSchema.safeParse({ forecasting: { model: 'prophet' } }).success).toBe(false);
  });
});
