/**
 * The replicas a spec asked for, as the referee (and a Deployment) sees them: a replica added at
 * time τ serves from τ + startup delay; a scale-down removes replicas that are still starting
 * first (the newest), then serving ones. Used to tell, after the fact, whether an interval had
 * the capacity it needed.
 */
export interface ReplicaPool {
  /** Replicas in the spec. */
  readonly spec: number;
  /** Replicas not yet serving, as [ready at (ms), count], oldest first. */
  readonly starting: readonly (readonly [number, number])[];
  /** When the spec was last set: the start of the interval the pool serves next. */
  readonly sinceMs: number;
}

/** A pool of `spec` replicas that all serve already. */
export function servingPool(spec: number, nowMs: number): ReplicaPool {
  return { spec, starting: [], sinceMs: nowMs };
}

/**
 * Replicas serving over [pool.sinceMs, toMs), counting a replica that became ready part-way
 * through for the part after it did (the referee's fractional readiness).
 */
export function servingDuring(pool: ReplicaPool, toMs: number): number {
  const span = toMs - pool.sinceMs;
  let serving = pool.spec;
  for (const [readyAtMs, count] of pool.starting) {
    const share = span > 0 ? Math.min(1, Math.max(0, (toMs - readyAtMs) / span)) : readyAtMs <= toMs ? 1 : 0;
    serving -= count * (1 - share);
  }
  return serving;
}

/** The pool after the spec is set to `spec` at `nowMs`. */
export function setSpec(pool: ReplicaPool, spec: number, nowMs: number, startupDelayMs: number): ReplicaPool {
  const starting = pool.starting
    .filter(([readyAtMs]) => readyAtMs > nowMs)
    .map(([r, c]) => [r, c] as [number, number]);
  if (spec > pool.spec) {
    starting.push([nowMs + startupDelayMs, spec - pool.spec]);
  } else if (spec < pool.spec) {
    let remove = pool.spec - spec;
    while (remove > 0 && starting.length > 0) {
      const newest = starting[starting.length - 1] as [number, number];
      const taken = Math.min(remove, newest[1]);
      newest[1] -= taken;
      remove -= taken;
      if (newest[1] === 0) starting.pop();
    }
  }
  return { spec, starting, sinceMs: nowMs };
}
