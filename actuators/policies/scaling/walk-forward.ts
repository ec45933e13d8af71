import type { ReplicasState } from '../../../core/actuator.js';
import type { Forecast, Forecaster } from '../../../core/forecaster.js';
import type { PastDecision } from '../../../core/policy.js';
import type { RegularSeries } from '../../../core/time-series.js';
import type { ScalingPolicyConfig } from './config.js';
import { scalingPolicy, type ScalingDecision, type ScalingMemory } from './scaling-policy.js';

/** How the daemon feeds the forecaster; the walk-forward replays exactly this. */
export interface WalkForwardOptions {
  /** Refit the forecaster every this many rows, on the rows seen so far (the daemon's schedule). */
  refitEverySteps: number;
  /** Rows of history handed to `fit` and `forecast` (the daemon's query window). */
  historyWindowSteps: number;
  /** Rows needed before the first fit; before that the policy runs on current load alone. */
  minHistorySteps: number;
  signal?: AbortSignal;
  /** Called after each decision (audit output, progress). */
  onDecision?: (row: number, decision: ScalingDecision) => void;
}

export interface WalkForwardResult {
  /** Desired replicas decided after seeing rows ≤ t. */
  readonly replicas: Int32Array;
  /** Rows without a forecast because the model failed (the policy then held scale-in). */
  readonly forecastFailures: number;
  readonly fits: number;
}

/**
 * A forecaster that forecasts many origins of one series in one pass (models/forecasters'
 * WalkForwardForecaster): forecast k is of index origins[k] + horizons[k], made with the current
 * parameters from values ≤ origins[k] only. Used when available so a month of one-minute rows
 * does not re-run the model over its whole history for every row.
 */
interface BatchForecaster extends Forecaster {
  forecastOrigins(
    series: RegularSeries,
    origins: Int32Array,
    horizons: Int32Array,
  ): Promise<{ p10: Float64Array; p50: Float64Array; p90: Float64Array }>;
}

function isBatch(f: Forecaster): f is BatchForecaster {
  return typeof (f as Partial<BatchForecaster>).forecastOrigins === 'function';
}

/**
 * Runs the scaling policy over a load series row by row, as the daemon's control loop would:
 * at row t the clock reads the end of interval t; the forecaster is refit every
 * `refitEverySteps` rows on the last `historyWindowSteps` rows seen, and forecasts from rows ≤ t;
 * the current load is row t; the current replicas are the previous decision (assumed applied);
 * the history holds the earlier decisions. Decisions are causal: the decision at row t depends
 * on rows ≤ t only, so appending rows never changes it.
 */
export async function walkForwardScaling(
  series: RegularSeries,
  forecaster: Forecaster,
  config: ScalingPolicyConfig,
  options: WalkForwardOptions,
): Promise<WalkForwardResult> {
  const { startMs, stepMs, values } = series;
  const n = values.length;
  const replicas = new Int32Array(n);
  const horizonSteps =
    Math.ceil(((config.startupDelaySeconds + config.lookaheadSeconds) * 1000) / stepMs) + 1;
  const refitEvery = Math.max(1, Math.floor(options.refitEverySteps));
  const keepMs =
    1000 *
    Math.max(
      config.scaleUp.stabilizationWindowSeconds,
      config.scaleDown.stabilizationWindowSeconds,
      config.scaleUp.periodSeconds,
      config.scaleDown.periodSeconds,
    );
  const window = (t: number): RegularSeries => {
    const from = Math.max(0, t + 1 - options.historyWindowSteps);
    return { startMs: startMs + from * stepMs, stepMs, values: values.subarray(from, t + 1) };
  };
  const history: PastDecision<ReplicasState, ScalingMemory>[] = [];
  let current: ReplicasState | undefined;
  let fitted = false;
  let fits = 0;
  let forecastFailures = 0;
  // Batched forecasts for rows [batchFrom, batchTo), made right after the fit they use.
  let batch:
    { from: number; to: number; p10: Float64Array; p50: Float64Array; p90: Float64Array } | undefined;
  for (let t = 0; t < n; t++) {
    options.signal?.throwIfAborted();
    const nowMs = startMs + (t + 1) * stepMs;
    let forecast: Forecast | undefined;
    if (t + 1 >= options.minHistorySteps) {
      const refitDue = !fitted || (t + 1) % refitEvery === 0;
      if (refitDue) {
        batch = undefined;
        try {
          await forecaster.fit([window(t)], options.signal ? { signal: options.signal } : undefined);
          fitted = true;
          fits++;
        } catch {
          // A failed fit keeps the previous model (or none), as in the daemon.
        }
      }
      if (fitted) {
        try {
          if (isBatch(forecaster)) {
            if (!batch || t >= batch.to)
              batch = await forecastBlock(
                forecaster,
                values,
                t,
                nextRefit(t, refitEvery, n),
                horizonSteps,
                options,
                stepMs,
                startMs,
              );
            const offset = (t - batch.from) * horizonSteps;
            forecast = {
              startMs: nowMs,
              stepMs,
              p10: batch.p10.subarray(offset, offset + horizonSteps),
              p50: batch.p50.subarray(offset, offset + horizonSteps),
              p90: batch.p90.subarray(offset, offset + horizonSteps),
              modelId: forecaster.id,
              modelVersion: forecaster.version,
            };
          } else {
            forecast = await forecaster.forecast(window(t), horizonSteps);
          }
        } catch {
          forecastFailures++;
          batch = undefined;
        }
      }
    }
    const decision = scalingPolicy({
      nowMs,
      current,
      config,
      history,
      currentLoad: values[t],
      forecast,
      ...(forecast ? {} : { forecastMissing: fitted ? 'failed' : 'warming_up' }),
    });
    replicas[t] = decision.desired.replicas;
    options.onDecision?.(t, decision);
    current = decision.desired;
    history.push({ timeMs: nowMs, desired: decision.desired, memory: decision.memory });
    // Keep one entry older than the longest window: a change is counted against its predecessor.
    while (history.length > 1 && (history[1]?.timeMs ?? 0) <= nowMs - keepMs) history.shift();
  }
  return { replicas, forecastFailures, fits };
}

/** The row before which the next refit happens (refits run when t + 1 is a multiple of `every`). */
function nextRefit(t: number, every: number, n: number): number {
  return Math.min(n, (Math.floor((t + 1) / every) + 1) * every - 1);
}

/**
 * Forecasts origins t..to−1 with the current fit in one pass. Each origin's forecast uses values
 * up to that origin only (the BatchForecaster contract), so this equals calling `forecast` on
 * each row's own window, except that the model's state is warmed up from the start of the
 * block's window instead of each row's.
 */
async function forecastBlock(
  forecaster: BatchForecaster,
  values: Float64Array,
  t: number,
  to: number,
  horizonSteps: number,
  options: WalkForwardOptions,
  stepMs: number,
  startMs: number,
): Promise<{ from: number; to: number; p10: Float64Array; p50: Float64Array; p90: Float64Array }> {
  const end = Math.max(to, t + 1);
  const from = Math.max(0, t + 1 - options.historyWindowSteps);
  const seriesValues = values.subarray(from, end);
  const rows = end - t;
  const origins = new Int32Array(rows * horizonSteps);
  const horizons = new Int32Array(rows * horizonSteps);
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < horizonSteps; h++) {
      origins[r * horizonSteps + h] = t + r - from;
      horizons[r * horizonSteps + h] = h + 1;
    }
  }
  const band = await forecaster.forecastOrigins(
    { startMs: startMs + from * stepMs, stepMs, values: seriesValues },
    origins,
    horizons,
  );
  return { from: t, to: end, ...band };
}
