/** Quantile levels every Headroom forecast carries. */
export const QUANTILE_LEVELS = [0.1, 0.5, 0.9] as const;

/** Forecast quantiles for a set of targets (parallel arrays). */
export interface QuantileArrays {
  readonly p10: Float64Array;
  readonly p50: Float64Array;
  readonly p90: Float64Array;
}

/**
 * Empirical quantile `q` (0..1) of `values` by linear interpolation between order statistics
 * (Hyndman & Fan type 7, as numpy and simple-statistics use). Sorts a copy; NaN are ignored;
 * an empty input gives 0 so a band degenerates to the point forecast instead of NaN.
 */
export function empiricalQuantile(values: ArrayLike<number>, q: number): number {
  return empiricalQuantiles(values, [q])[0] as number;
}

/** Several quantiles of one sample with a single sort. */
export function empiricalQuantiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  const sorted = Float64Array.from(values).filter((v) => Number.isFinite(v));
  sorted.sort();
  const n = sorted.length;
  return qs.map((q) => {
    if (n === 0) return 0;
    const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    const a = sorted[lo] as number;
    return a + (pos - lo) * ((sorted[hi] as number) - a);
  });
}

/**
 * Makes a band safe to publish: replaces non-finite values by the point forecast (or 0), clamps
 * to >= 0 when the quantity cannot be negative (request counts), and enforces p10 <= p50 <= p90.
 * Works in place and returns its argument.
 */
export function sanitiseBand(band: QuantileArrays, nonNegative: boolean): QuantileArrays {
  const { p10, p50, p90 } = band;
  for (let i = 0; i < p50.length; i++) {
    let m = p50[i] as number;
    if (!Number.isFinite(m)) m = 0;
    let lo = Number.isFinite(p10[i]) ? (p10[i] as number) : m;
    let hi = Number.isFinite(p90[i]) ? (p90[i] as number) : m;
    if (nonNegative) {
      m = Math.max(m, 0);
      lo = Math.max(lo, 0);
      hi = Math.max(hi, 0);
    }
    p50[i] = m;
    p10[i] = Math.min(lo, m);
    p90[i] = Math.max(hi, m);
  }
  return band;
}

/** Allocates a band of `n` zeros. */
export function emptyBand(n: number): { p10: Float64Array; p50: Float64Array; p90: Float64Array } {
  return { p10: new Float64Array(n), p50: new Float64Array(n), p90: new Float64Array(n) };
}
