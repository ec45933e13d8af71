import type { Forecast } from '../../core/forecaster.js';
import { HeadroomError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { RegularSeries } from '../../core/time-series.js';
import type { QuantileMlp } from '../forecasters/learned/quantile-mlp.js';
import { FORECASTERS } from '../forecasters/registry.js';
import { SeasonalNaive } from '../forecasters/seasonal-naive.js';
import { seasonPeriods } from '../forecasters/season-periods.js';
import type { WalkForwardForecaster } from '../forecasters/walk-forward-forecaster.js';
import { ModelRegistry, type ModelArtefact } from './model-registry.js';

/** One series' forecast as the daemon stores and serves it. */
export interface ServedForecast {
  readonly forecast: Forecast;
  /** Why a fallback made it (cold start, no model, model failure); absent for the promoted model. */
  readonly note?: string;
  /** Backtest error of the model that made it (promotion-window WAPE and coverage), when known. */
  readonly backtest?: Record<string, number>;
}

/**
 * What the daemon's forecast service calls: the promoted model from the registry, applied to
 * many series in one batched pass, with a cold-start fallback that never refuses to forecast.
 * Per series: with at least one day of history and a promoted model, the model; otherwise the
 * best baseline the history supports: weekly seasonal naive with a week and a day, daily with a
 * day and a step, else the last value, each with a note saying why. Not safe for concurrent
 * `reload` and `forecastMany`.
 */
export class PromotedForecaster {
  private model: WalkForwardForecaster | undefined;
  private art: ModelArtefact | undefined;
  private readonly baselines = {
    weekly: new SeasonalNaive({ season: 'weekly' }),
    daily: new SeasonalNaive({ season: 'daily' }),
    last: new SeasonalNaive({ season: 'none' }),
  };

  private constructor(
    private readonly registry: ModelRegistry,
    private readonly logger?: Logger,
  ) {}

  /** Opens the registry folder and loads the promoted model, if any. */
  static async open(registryDir: string, logger?: Logger): Promise<PromotedForecaster> {
    const service = new PromotedForecaster(new ModelRegistry(registryDir), logger);
    await service.reload();
    return service;
  }

  /** The serving artefact, or undefined when only baselines serve. */
  get artefact(): ModelArtefact | undefined {
    return this.art;
  }

  /** Re-reads `promoted.json` (after a retrain) and swaps the model in when it changed. */
  async reload(): Promise<void> {
    const pointer = await this.registry.promoted();
    if (!pointer || pointer.version === this.art?.version) return;
    const art = await this.registry.artefact(pointer.version);
    const factory = FORECASTERS[art.modelId];
    if (!factory) throw new HeadroomError('unknown_model', `registry serves unknown model "${art.modelId}"`);
    const model = await factory({ horizonSteps: art.horizonSteps, logger: this.logger });
    model.restore(await this.registry.snapshot(pointer.version));
    this.model?.dispose();
    this.model = model;
    this.art = art;
  }

  /** Forecasts `horizonSteps` steps after the end of each history. Never returns NaN. */
  async forecastMany(histories: readonly RegularSeries[], horizonSteps: number): Promise<ServedForecast[]> {
    const out = new Array<ServedForecast | undefined>(histories.length);
    const model = this.model;
    const art = this.art;
    const modelIdx: number[] = [];
    for (const [i, h] of histories.entries()) {
      const day = seasonPeriods(h.stepMs).dailySteps || 1;
      if (model && art && h.stepMs === art.stepMs && h.values.length >= day) modelIdx.push(i);
    }
    if (model && art && modelIdx.length > 0) {
      try {
        const batch = modelIdx.map((i) => histories[i]!);
        const forecasts =
          'forecastMany' in model
            ? await (model as QuantileMlp).forecastMany(batch, horizonSteps)
            : await Promise.all(batch.map((h) => model.forecast(h, horizonSteps)));
        const own = art.backtest.scores.find((s) => s.modelId === art.modelId && s.version === undefined);
        const backtest = own ? { wape: own.wape, coverage: own.coverage } : undefined;
        forecasts.forEach((f, k) => (out[modelIdx[k]!] = { forecast: f, ...(backtest ? { backtest } : {}) }));
      } catch (err) {
        this.logger?.warn({ err }, 'promoted model failed; serving baselines');
        for (const i of modelIdx) out[i] = undefined;
      }
    }
    for (const [i, h] of histories.entries()) {
      if (out[i]) continue;
      out[i] = await this.fallback(
        h,
        horizonSteps,
        model
          ? modelIdx.includes(i)
            ? 'the promoted model failed'
            : undefined
          : 'no trained model has been promoted yet',
      );
    }
    return out as ServedForecast[];
  }

  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
    this.art = undefined;
  }

  private async fallback(
    history: RegularSeries,
    horizonSteps: number,
    why: string | undefined,
  ): Promise<ServedForecast> {
    const n = history.values.length;
    if (n === 0) throw new HeadroomError('no_history', 'cannot forecast a series with no values');
    const { dailySteps, weeklySteps } = seasonPeriods(history.stepMs);
    const hours = ((n * history.stepMs) / 3_600_000).toFixed(1);
    const reason = why ?? `cold start: ${hours} h of history (< 1 day)`;
    const pick =
      weeklySteps > 0 && n >= weeklySteps + dailySteps
        ? this.baselines.weekly
        : dailySteps > 0 && n >= dailySteps + 1
          ? this.baselines.daily
          : this.baselines.last;
    const forecast = await pick.forecast(history, horizonSteps);
    return {
      forecast,
      note: `${reason}; using ${pick.id}, the best baseline ${hours} h of history supports`,
    };
  }
}
