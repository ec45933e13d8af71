/** Prefix sums: `prefix[i]` is the sum of `values[0..i-1]`, so a window sum is one subtraction. */
export function prefixSums(values: Float64Array): Float64Array {
  const prefix = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = (prefix[i] as number) + (values[i] as number);
  return prefix;
}

/** Mean of `values[from..to]` (inclusive, clipped to the series) from prefix sums; 0 when empty. */
export function windowMean(prefix: Float64Array, from: number, to: number): number {
  const a = Math.max(0, from);
  const b = Math.min(prefix.length - 2, to);
  if (b < a) return 0;
  return ((prefix[b + 1] as number) - (prefix[a] as number)) / (b - a + 1);
}

/**
 * The scale that normalises a series at time t: the mean over the trailing `windowSteps` steps
 * (up to and including t), floored so that an idle or constant-zero series still divides safely.
 * Load is non-negative, so the mean is its typical magnitude.
 */
export function trailingScale(prefix: Float64Array, t: number, windowSteps: number): number {
  const m = windowMean(prefix, t - windowSteps + 1, t);
  return Number.isFinite(m) && Math.abs(m) > 1e-6 ? Math.abs(m) : 1e-6 + Math.abs(m);
}
