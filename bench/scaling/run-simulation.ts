import {
  scalingPolicyConfigSchema,
  type ScalingPolicyConfig,
} from '../../actuators/policies/scaling/config.js';
import {
  horizonStepsFor,
  walkForwardScaling,
  type RowForecasts,
  type WalkForwardResult,
} from '../../actuators/policies/scaling/walk-forward.js';
import { forecastRows, type ForecastRowsResult } from './forecast-rows.js';
import { hpaBaseline } from './hpa-baseline.js';
import { judgeSimulator, type ScalingFigures } from './judge-simulator.js';
import type { LoadTrace } from './load-csv.js';

/** The knobs `simulate-scaling` exposes; everything else is the policy's defaults. */
export interface SimulationOptions {
  capacityPerReplica: number;
  startupDelaySeconds: number;
  minReplicas?: number;
  maxReplicas?: number;
  targetUtilization?: number;
  signal?: AbortSignal;
}

export interface SimulationResult {
  readonly config: ScalingPolicyConfig;
  readonly walk: WalkForwardResult;
  readonly forecasts: RowForecasts;
  readonly policy: ScalingFigures;
  readonly hpa: ScalingFigures;
}

/** The policy config `simulate-scaling` runs: the CLI's options over the schema's defaults. */
export function simulationConfig(options: SimulationOptions): ScalingPolicyConfig {
  return scalingPolicyConfigSchema.parse({
    service: 'simulated',
    capacityPerReplica: options.capacityPerReplica,
    startupDelaySeconds: options.startupDelaySeconds,
    minReplicas: options.minReplicas ?? 1,
    maxReplicas: options.maxReplicas ?? 1000,
    ...(options.targetUtilization === undefined ? {} : { targetUtilization: options.targetUtilization }),
  });
}

/** The daemon's forecasts for every row of the trace (see forecast-rows.ts). */
export async function traceForecasts(
  trace: LoadTrace,
  config: ScalingPolicyConfig,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ForecastRowsResult> {
  return forecastRows(
    { startMs: trace.timesMs[0] ?? 0, stepMs: trace.stepMs, values: trace.values },
    { horizonSteps: horizonStepsFor(config, trace.stepMs), ...options },
  );
}

/**
 * Runs the scaling policy walk-forward over a trace as the daemon would (forecasts made from
 * rows ≤ t, see `traceForecasts`; pass them in to reuse them across policy settings), then
 * scores the decisions and the HPA baseline with the referee's rules.
 */
export async function runSimulation(
  trace: LoadTrace,
  options: SimulationOptions,
  forecasts?: RowForecasts,
): Promise<SimulationResult> {
  const config = simulationConfig(options);
  const stepMs = trace.stepMs;
  const rows =
    forecasts ?? (await traceForecasts(trace, config, options.signal ? { signal: options.signal } : {}));
  if (rows.horizonSteps < horizonStepsFor(config, stepMs)) {
    throw new RangeError(
      `forecasts reach ${rows.horizonSteps} steps; the policy needs ${horizonStepsFor(config, stepMs)}`,
    );
  }
  const walk = walkForwardScaling(
    { startMs: trace.timesMs[0] ?? 0, stepMs, values: trace.values },
    rows,
    config,
  );
  const judge = {
    stepSeconds: stepMs / 1000,
    startupDelaySeconds: config.startupDelaySeconds,
    capacityPerReplica: config.capacityPerReplica,
  };
  const hpaSpec = hpaBaseline(trace.values, {
    stepSeconds: stepMs / 1000,
    capacityPerReplica: config.capacityPerReplica,
    minReplicas: config.minReplicas,
    maxReplicas: config.maxReplicas,
  });
  return {
    config,
    walk,
    forecasts: rows,
    policy: judgeSimulator(trace.values, walk.replicas, judge),
    hpa: judgeSimulator(trace.values, hpaSpec, judge),
  };
}

/** `timestamp,load,replicas` rows, timestamps and loads as they were read. */
export function decisionsCsv(trace: LoadTrace, replicas: ArrayLike<number>): string {
  const lines = ['timestamp,load,replicas'];
  for (let i = 0; i < trace.timestamps.length; i++) {
    lines.push(`${trace.timestamps[i]},${trace.values[i]},${replicas[i]}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The referee-style summary (policy, HPA, ratios) for stderr or a report. */
export function figuresText(result: Pick<SimulationResult, 'policy' | 'hpa'>): string {
  const row = (name: string, f: ScalingFigures) =>
    `${name.padEnd(7)} violations ${String(f.violations).padStart(6)}  excess ${f.excessLoad.toFixed(1).padStart(12)}  replica-h ${f.replicaHours.toFixed(1).padStart(10)}  changes ${String(f.changes).padStart(6)}`;
  const ratio = (a: number, b: number) => (b ? a / b : a === 0 ? 0 : Number.POSITIVE_INFINITY);
  const p = result.policy;
  const h = result.hpa;
  return [
    row('policy', p),
    row('hpa', h),
    `policy/hpa: violations ${ratio(p.violations, h.violations).toFixed(3)}  replica-hours ${ratio(p.replicaHours, h.replicaHours).toFixed(3)}  changes ${ratio(p.changes, h.changes).toFixed(3)}`,
  ].join('\n');
}
