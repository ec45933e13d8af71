import { describe, expect, it } from 'vitest';
import { decidePromotion, type ModelScore } from './promotion.js';

const s = (modelId: string, wape: number, version?: string): ModelScore => ({
  modelId,
  wape,
  coverage: 0.8,
  targets: 100,
  ...(version ? { version } : {}),
});

describe('decidePromotion', () => {
  it.each([
    [
      'beats naive, no current model',
      s('quantile-mlp', 0.3),
      s('seasonal-naive-weekly', 0.5),
      undefined,
      'promoted',
      /no model was promoted before/,
    ],
    [
      'beats naive and current',
      s('quantile-mlp', 0.3),
      s('seasonal-naive-daily', 0.5),
      s('quantile-mlp', 0.35, 'v1'),
      'promoted',
      /current model v1/,
    ],
    [
      'loses to naive',
      s('quantile-mlp', 0.6),
      s('seasonal-naive-daily', 0.5),
      undefined,
      'kept',
      /does not beat seasonal-naive-daily/,
    ],
    [
      'ties naive',
      s('quantile-mlp', 0.5),
      s('seasonal-naive-daily', 0.5),
      undefined,
      'kept',
      /does not beat seasonal-naive-daily/,
    ],
    [
      'beats naive, loses to current',
      s('quantile-mlp', 0.4),
      s('seasonal-naive-daily', 0.5),
      s('quantile-mlp', 0.35, 'v1'),
      'kept',
      /current model v1/,
    ],
    [
      'no usable score',
      s('quantile-mlp', Number.NaN),
      s('seasonal-naive-daily', 0.5),
      undefined,
      'kept',
      /no usable/,
    ],
  ] as const)('%s', (_name, candidate, naive, current, outcome, reason) => {
    const d = decidePromotion(candidate, naive, current);
    expect(d.outcome).toBe(outcome);
    expect(d.reason).toMatch(reason);
  });
});
