import type { ReplicasState } from '../../../core/actuator.js';
import type { Forecast } from '../../../core/forecaster.js';
import type { PastDecision } from '../../../core/policy.js';
import type { RegularSeries } from '../../../core/time-series.js';
import type { ScalingPolicyConfig } from './config.js';
import { scalingPolicy, type ScalingDecision, type ScalingMemory } from './scaling-policy.js';

/**
 * Forecasts made walk-forward for every row of a series: row t's forecast of row t + h (h = 1 ..
 * horizonSteps) sits at index t·horizonSteps + h − 1 and was made from rows ≤ t only. Rows
 * without a forecast carry NaN and say why in `missing`.
 */
export interface RowForecasts {
  readonly horizonSteps: number;
  readonly p10: Float64Array;
  readonly p50: Float64Array;
  readonly p90: Float64Array;
  /** Why row t has no forecast, or undefined when it has one. */
  missing(row: number): 'warming_up' | 'failed' | undefined;
  readonly modelId: string;
  readonly modelVersion: string;
}

export interface WalkForwardResult {
  /** Desired replicas decided after seeing rows ≤ t. */
  readonly replicas: Int32Array;
  /** Rows decided without a forecast, by reason. */
  readonly withoutForecast: { readonly warming_up: number; readonly failed: number };
}

/**
 * Runs the scaling policy over a load series row by row, as the daemon's control loop does:
 * at row t the clock reads the end of interval t, the current load is row t, the forecast is the
 * one made from rows ≤ t, the current replicas are the previous decision (assumed applied) and
 * the history holds the earlier decisions. Nothing after row t reaches the decision at row t.
 */
export function walkForwardScaling(
  series: RegularSeries,
  forecasts: RowForecasts,
  config: ScalingPolicyConfig,
  onDecision?: (row: number, decision: ScalingDecision) => void,
): WalkForwardResult {
  const { startMs, stepMs, values } = series;
  const n = values.length;
  const H = forecasts.horizonSteps;
  const replicas = new Int32Array(n);
  const withoutForecast = { warming_up: 0, failed: 0 };
  // The policy looks back at most its longest window or change period.
  const keepMs =
    1000 *
    Math.max(
      config.scaleUp.stabilizationWindowSeconds,
      config.scaleDown.stabilizationWindowSeconds,
      config.scaleUp.periodSeconds,
      config.scaleDown.periodSeconds,
    );
  const history: PastDecision<ReplicasState, ScalingMemory>[] = [];
  let current: ReplicasState | undefined;
  for (let t = 0; t < n; t++) {
    const nowMs = startMs + (t + 1) * stepMs;
    const missing = forecasts.missing(t);
    let forecast: Forecast | undefined;
    if (missing === undefined) {
      const from = t * H;
      forecast = {
        startMs: nowMs,
        stepMs,
        p10: forecasts.p10.subarray(from, from + H),
        p50: forecasts.p50.subarray(from, from + H),
        p90: forecasts.p90.subarray(from, from + H),
        modelId: forecasts.modelId,
        modelVersion: forecasts.modelVersion,
      };
    } else {
      withoutForecast[missing]++;
    }
    const decision = scalingPolicy({
      nowMs,
      current,
      config,
      history,
      currentLoad: values[t],
      forecast,
      ...(missing ? { forecastMissing: missing } : {}),
    });
    replicas[t] = decision.desired.replicas;
    onDecision?.(t, decision);
    current = decision.desired;
    history.push({ timeMs: nowMs, desired: decision.desired, memory: decision.memory });
    // Keep one entry older than the longest window: a change is counted against its predecessor.
    while (history.length > 1 && (history[1]?.timeMs ?? 0) <= nowMs - keepMs) history.shift();
  }
  return { replicas, withoutForecast };
}

/** Forecast steps the policy needs per row: every step that overlaps now .. now + delay + lookahead. */
export function horizonStepsFor(config: ScalingPolicyConfig, stepMs: number): number {
  return Math.floor(((config.startupDelaySeconds + config.lookaheadSeconds) * 1000) / stepMs) + 1;
}
