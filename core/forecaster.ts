import type { RegularSeries } from './time-series.js';

/** Forecast quantiles per step; step k is at `startMs + k·stepMs`. */
export interface Forecast {
  readonly startMs: number;
  readonly stepMs: number;
  readonly p10: Float64Array;
  readonly p50: Float64Array;
  readonly p90: Float64Array;
  readonly modelId: string;
  readonly modelVersion: string;
}

/** JSON-serialisable model state (weights as arrays, parameters, training window). */
export type ForecasterSnapshot = { readonly modelId: string; readonly modelVersion: string } & Record<
  string,
  unknown
>;

/**
 * A load forecaster (DESIGN.md "Models"). Histories are regular series (see core/time-series.ts
 * `resample`); NaN marks a gap and each implementation documents how it fills gaps.
 *
 * Lifecycle: `fit` may be called again to refit (the daemon refits on a schedule); `forecast`
 * must work after `restore` without `fit`; models without learned state (seasonal naive) may
 * forecast without `fit`. `dispose` frees tensors and is idempotent. Not safe for concurrent
 * `fit` calls on one instance.
 */
export interface Forecaster {
  readonly id: string;
  readonly version: string;
  /** Learns from one or more series (a global model learns across all of them). */
  fit(histories: readonly RegularSeries[], options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Forecasts the `horizonSteps` steps that follow the last value of `history`, using only
   * `history`. Never returns NaN: a model that cannot forecast throws a HeadroomError.
   */
  forecast(history: RegularSeries, horizonSteps: number): Promise<Forecast>;
  snapshot(): ForecasterSnapshot;
  restore(snapshot: ForecasterSnapshot): void;
  dispose(): void;
}
