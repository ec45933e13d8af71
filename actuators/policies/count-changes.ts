/** A past decision reduced to when it was made and the value it asked for. */
export interface TimedValueDecision<T> {
  readonly timeMs: number;
  readonly desired: T;
}

/**
 * Number of changes of the decided value within the last `periodSeconds` before `nowMs`: each
 * decision whose value differs from the one before it counts once. The first decision in the
 * history has nothing to compare with and counts only against `previous` when given (the value
 * in force before the history starts).
 */
export function countChanges<T>(
  history: readonly TimedValueDecision<T>[],
  nowMs: number,
  periodSeconds: number,
  equal: (a: T, b: T) => boolean,
  previous?: T,
): number {
  const fromMs = nowMs - periodSeconds * 1000;
  let changes = 0;
  let before: T | undefined = previous;
  for (const entry of history) {
    if (entry.timeMs > nowMs) break;
    if (before !== undefined && !equal(before, entry.desired) && entry.timeMs > fromMs) changes++;
    before = entry.desired;
  }
  return changes;
}
