import type { Forecaster } from '../../core/forecaster.js';
import {
  scalingPolicyConfigSchema,
  type ScalingPolicyConfig,
} from '../../actuators/policies/scaling/config.js';
import { walkForwardScaling, type WalkForwardResult } from '../../actuators/policies/scaling/walk-forward.js';
import { hpaBaseline } from './hpa-baseline.js';
import { judgeSimulator, type ScalingFigures } from './judge-simulator.js';
import type { LoadTrace } from './load-csv.js';

const DAY_MS = 86_400_000;

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

/**
 * Runs the scaling policy walk-forward over a trace, as the daemon would: the forecaster is
 * refit once a day of rows on the last five weeks seen (the daemon's retrain schedule and query
 * window), and is first fitted once it has `minHistorySteps` rows (two days by default).
 * Then scores the decisions and the HPA baseline with the referee's rules.
 */
export async function runSimulation(
  trace: LoadTrace,
  forecaster: Forecaster & { minHistorySteps?: (stepMs: number) => number },
  options: SimulationOptions,
): Promise<SimulationResult> {
  const config = simulationConfig(options);
  const stepMs = trace.stepMs;
  const daySteps = Math.max(1, Math.round(DAY_MS / stepMs));
  const walk = await walkForwardScaling(
    { startMs: trace.timesMs[0] ?? 0, stepMs, values: trace.values },
    forecaster,
    config,
    {
      refitEverySteps: daySteps,
      historyWindowSteps: 35 * daySteps,
      minHistorySteps: forecaster.minHistorySteps?.(stepMs) ?? 2 * daySteps,
      ...(options.signal ? { signal: options.signal } : {}),
    },
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
