import { servingDuring, servingPool, setSpec, type ReplicaPool } from './replica-pool.js';
import { stepShadowHpa, type ShadowHpa, type ShadowHpaSettings } from './shadow-hpa.js';

/**
 * Violation budget relative to the stock HPA on the same load. After each interval the policy
 * knows whether its own replicas were short of capacity (load > capacity × serving replicas) and
 * whether a shadow HPA on the same load would have been; `log scale` then moves by
 * gain × (own − ratio × hpa), as adaptive conformal inference moves its level (Gibbs & Candès
 * 2021) but with the HPA's own shortfalls as the allowance. Summed over time, own shortfalls stay
 * within (log maxScale − log minScale) / gain of ratio × the HPA's while the scale is not pinned
 * at a bound: headroom is spent where the HPA would have been short too, and returned where
 * the load is easy.
 */
export interface ViolationBudget {
  readonly scale: number;
  /** The policy's replicas; unset before its first decision. */
  readonly own?: ReplicaPool;
  readonly hpa: ShadowHpa;
  /** Intervals short of capacity so far: own and the shadow HPA's. */
  readonly violations: { readonly own: number; readonly hpa: number };
}

export interface BudgetSettings extends ShadowHpaSettings {
  readonly ratio: number;
  readonly gain: number;
  readonly minScale: number;
  readonly maxScale: number;
}

/** Folds in the load of the interval that just ended; undefined load leaves everything as it was. */
export function updateBudget(
  previous: ViolationBudget | undefined,
  load: number | undefined,
  nowMs: number,
  current: number | undefined,
  s: BudgetSettings,
): ViolationBudget | undefined {
  if (load === undefined || !Number.isFinite(load)) return previous;
  const step = stepShadowHpa(previous?.hpa, load, nowMs, s);
  if (!previous) {
    return { scale: 1, hpa: step.state, violations: { own: 0, hpa: 0 } };
  }
  // The pool follows what the policy decided; a target that reads back something else wins.
  const before = previous.own;
  const pool =
    before && current !== undefined && current !== before.spec
      ? servingPool(current, before.sinceMs)
      : before;
  const own = pool && load > s.capacityPerReplica * servingDuring(pool, nowMs) + 1e-9 ? 1 : 0;
  const hpa = step.violated ? 1 : 0;
  const scale = Math.min(
    s.maxScale,
    Math.max(s.minScale, previous.scale * Math.exp(s.gain * (own - s.ratio * hpa))),
  );
  return {
    scale,
    ...(pool ? { own: pool } : {}),
    hpa: step.state,
    violations: { own: previous.violations.own + own, hpa: previous.violations.hpa + hpa },
  };
}

/** The budget after the policy set `replicas` at `nowMs`. */
export function commitBudget(
  budget: ViolationBudget,
  replicas: number,
  nowMs: number,
  startupDelaySeconds: number,
): ViolationBudget {
  const own = budget.own
    ? setSpec(budget.own, replicas, nowMs, startupDelaySeconds * 1000)
    : servingPool(replicas, nowMs);
  return { ...budget, own };
}
