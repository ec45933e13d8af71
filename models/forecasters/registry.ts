import type { Logger } from '../../core/logger.js';
import { HeadroomError } from '../../core/errors.js';
import { HoltWinters } from './holt-winters.js';
import type { QuantileMlpOptions } from './learned/quantile-mlp.js';
import { SeasonalNaive } from './seasonal-naive.js';
import type { WalkForwardForecaster } from './walk-forward-forecaster.js';

/** What a factory needs: the horizon the model will be asked for, and knobs of the learned one. */
export interface ModelContext {
  /** Forecast horizon in steps the model is tuned for. */
  readonly horizonSteps: number;
  readonly mlp?: QuantileMlpOptions;
  readonly logger?: Logger;
}

type Factory = (ctx: ModelContext) => Promise<WalkForwardForecaster>;

/**
 * Every forecaster by id, sorted. The learned model is imported lazily so that using a baseline
 * never loads TensorFlow.js.
 */
export const FORECASTERS: Readonly<Record<string, Factory>> = {
  'holt-winters': async (ctx) =>
    new HoltWinters({ targetHorizonSteps: ctx.horizonSteps, maxHorizonSteps: ctx.horizonSteps }),
  'naive-last-value': async () => new SeasonalNaive({ season: 'none' }),
  'quantile-mlp': async (ctx) => {
    const { QuantileMlp } = await import('./learned/quantile-mlp.js');
    return new QuantileMlp({ horizonSteps: ctx.horizonSteps, ...ctx.mlp }, ctx.logger);
  },
  'seasonal-naive-daily': async () => new SeasonalNaive({ season: 'daily' }),
  'seasonal-naive-weekly': async () => new SeasonalNaive({ season: 'weekly' }),
};

/** The model `backtest` and a fresh registry use when none is named. */
export const DEFAULT_MODEL = 'quantile-mlp';

/**
 * The model, then what stands in when history is too short for it ("cold start"): Holt-Winters
 * needs two days, daily seasonal naive one day, last-value persistence one value. A naive model
 * falls back only to simpler naive rules, so naming a baseline never silently runs a fitted model.
 */
export function fallbackChain(name: string): string[] {
  if (!(name in FORECASTERS)) {
    throw new HeadroomError(
      'unknown_model',
      `unknown model "${name}"; known: ${Object.keys(FORECASTERS).join(', ')}`,
    );
  }
  const chains: Record<string, string[]> = {
    'quantile-mlp': ['quantile-mlp', 'holt-winters', 'seasonal-naive-daily', 'naive-last-value'],
    'holt-winters': ['holt-winters', 'seasonal-naive-daily', 'naive-last-value'],
    'seasonal-naive-weekly': ['seasonal-naive-weekly', 'seasonal-naive-daily', 'naive-last-value'],
    'seasonal-naive-daily': ['seasonal-naive-daily', 'naive-last-value'],
    'naive-last-value': ['naive-last-value'],
  };
  return chains[name] ?? [name, 'naive-last-value'];
}

/** Instantiates a model and its fallbacks. */
export async function createChain(name: string, ctx: ModelContext): Promise<WalkForwardForecaster[]> {
  return Promise.all(fallbackChain(name).map((id) => FORECASTERS[id]!(ctx)));
}
