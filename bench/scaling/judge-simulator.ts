/**
 * A TypeScript port of the scaling referee's simulation (shared tools/scaling/judge.py), so the
 * benchmark and `headroom simulate-scaling` print the same figures the referee computes. Rules:
 * a decision made after row t sets the spec for intervals t+1, t+2, ...; a scale-down takes
 * effect at once; each added replica becomes ready `startupDelaySeconds` after the start of
 * interval t+1 and serves the part of each interval after that (fractional readiness); interval
 * k is a violation when load[k] > capacity × ready[k]; replica-hours count spec replicas
 * (starting ones too); changes count intervals whose spec differs from the previous one.
 */
export interface ScalingFigures {
  violations: number;
  excessLoad: number;
  replicaHours: number;
  changes: number;
}

export interface JudgeOptions {
  stepSeconds: number;
  startupDelaySeconds: number;
  capacityPerReplica: number;
  /** Rows not scored (warm-up); the referee's `--skip`. */
  skipRows?: number;
}

/** Scores `specAfter[t]` (desired replicas decided after row t) on `load`, as the referee does. */
export function judgeSimulator(
  load: ArrayLike<number>,
  specAfter: ArrayLike<number>,
  options: JudgeOptions,
): ScalingFigures {
  const { stepSeconds: step, startupDelaySeconds: delay, capacityPerReplica: capacity } = options;
  const skip = options.skipRows ?? 0;
  const n = load.length;
  let violations = 0;
  let excessLoad = 0;
  let replicaHours = 0;
  let changes = 0;
  let prev: number | undefined;
  // Ready times (seconds) of the specified replicas; the initial ones are ready.
  let pods: number[] = new Array<number>(specAfter[0] ?? 0).fill(-1e18);
  for (let k = 1; k < n; k++) {
    const want = specAfter[k - 1] ?? 0;
    const t0 = k * step;
    if (want > pods.length) {
      for (let i = pods.length; i < want; i++) pods.push(t0 + delay);
    } else if (want < pods.length) {
      // Not-yet-ready (newest) replicas go first, as a controller would remove them.
      pods.sort((a, b) => a - b);
      pods = pods.slice(0, want);
    }
    if (k < skip) continue;
    let ready = 0;
    for (const p of pods) ready += Math.min(1, Math.max(0, (t0 + step - p) / step));
    const cap = capacity * ready;
    const l = load[k] ?? 0;
    if (l > cap + 1e-9) {
      violations++;
      excessLoad += l - cap;
    }
    replicaHours += (pods.length * step) / 3600;
    if (prev !== undefined && pods.length !== prev) changes++;
    prev = pods.length;
  }
  return { violations, excessLoad, replicaHours, changes };
}
