import { servingDuring, servingPool, setSpec, type ReplicaPool } from './replica-pool.js';

/**
 * The stock Kubernetes HPA run in the shadow of the policy on the same load (replica_calculator.go
 * with default behaviour): desired = ceil(load / (capacity × target utilisation)), no move while
 * |load / (capacity × target × spec) − 1| ≤ tolerance, scale-down to the highest desired value
 * of the last `downStabilizationSeconds`, scale-up at once. Its replicas start as the policy's do.
 */
export interface ShadowHpa {
  readonly pool: ReplicaPool;
  /** Desired values within the scale-down window, as [time (ms), replicas], oldest first. */
  readonly recent: readonly (readonly [number, number])[];
}

export interface ShadowHpaSettings {
  readonly capacityPerReplica: number;
  readonly targetUtilization: number;
  readonly tolerance: number;
  readonly downStabilizationSeconds: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly startupDelaySeconds: number;
}

/**
 * One HPA sync on `load` at `nowMs`: whether the interval that just ended was short of capacity
 * for the HPA (undefined on the first sync), and its state afterwards.
 */
export function stepShadowHpa(
  previous: ShadowHpa | undefined,
  load: number,
  nowMs: number,
  s: ShadowHpaSettings,
): { state: ShadowHpa; violated?: boolean } {
  const clamp = (v: number) => Math.min(s.maxReplicas, Math.max(s.minReplicas, v));
  const perReplica = s.capacityPerReplica * s.targetUtilization;
  if (!previous) {
    const spec = clamp(Math.ceil(load / perReplica) || 1);
    return { state: { pool: servingPool(spec, nowMs), recent: [[nowMs, spec]] } };
  }
  const violated = load > s.capacityPerReplica * servingDuring(previous.pool, nowMs) + 1e-9;
  const spec = previous.pool.spec;
  const ratio = spec > 0 ? load / (perReplica * spec) : Number.POSITIVE_INFINITY;
  const desired = clamp(Math.abs(ratio - 1) <= s.tolerance ? spec : Math.ceil(load / perReplica));
  const fromMs = nowMs - s.downStabilizationSeconds * 1000;
  const recent: [number, number][] = previous.recent
    .filter(([t]) => t > fromMs)
    .map(([t, v]) => [t, v] as [number, number]);
  recent.push([nowMs, desired]);
  const next = desired >= spec ? desired : Math.max(...recent.map(([, v]) => v));
  return {
    state: { pool: setSpec(previous.pool, clamp(next), nowMs, s.startupDelaySeconds * 1000), recent },
    violated,
  };
}
