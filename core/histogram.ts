/**
 * Mergeable log-bucket latency histogram (the DDSketch idea with a fixed mapping), so quantiles
 * are computed at read time and stay correct when points from several collector replicas and
 * several intervals are merged: merging is adding bucket counts.
 *
 * Bucket 0 holds values ≤ HISTOGRAM_MIN_MS. Bucket i ≥ 1 holds values in
 * (MIN·γ^(i-1), MIN·γ^i] with γ = 2^(1/8); the last bucket also holds everything above it.
 * A bucket's representative value is 2·MIN·γ^i / (1 + γ), whose relative error is at most
 * (γ − 1)/(γ + 1) ≈ 4.3% for any value inside the bucket.
 *
 * Sparse: a histogram is a plain object from bucket index to count (JSON-friendly); absent
 * buckets are zero. Stores keep each bucket as a field named `h<index>`.
 */
export type SparseHistogram = Record<number, number>;

export const HISTOGRAM_MIN_MS = 0.01;
export const HISTOGRAM_BUCKETS_PER_OCTAVE = 8;
export const HISTOGRAM_GAMMA = 2 ** (1 / HISTOGRAM_BUCKETS_PER_OCTAVE);
/** Highest bucket index: MIN·γ^255 ≈ 2.5·10^7 ms ≈ 7 h. */
export const HISTOGRAM_MAX_INDEX = 255;

const LOG2_MIN = Math.log2(HISTOGRAM_MIN_MS);

/** Bucket index for a latency in milliseconds. Non-finite or negative values go to bucket 0. */
export function bucketIndex(valueMs: number): number {
  if (!(valueMs > HISTOGRAM_MIN_MS)) return 0;
  const i = Math.ceil((Math.log2(valueMs) - LOG2_MIN) * HISTOGRAM_BUCKETS_PER_OCTAVE - 1e-9);
  return i > HISTOGRAM_MAX_INDEX ? HISTOGRAM_MAX_INDEX : i < 1 ? 1 : i;
}

/** Upper bound (inclusive) of bucket `i` in milliseconds. */
export function bucketUpperMs(i: number): number {
  return HISTOGRAM_MIN_MS * HISTOGRAM_GAMMA ** i;
}

/** The value reported for a quantile that falls in bucket `i`. */
export function bucketValueMs(i: number): number {
  if (i <= 0) return HISTOGRAM_MIN_MS;
  return (2 * bucketUpperMs(i)) / (1 + HISTOGRAM_GAMMA);
}

/** Adds `count` observations of `valueMs` to `h` in place. */
export function recordValue(h: SparseHistogram, valueMs: number, count = 1): void {
  const i = bucketIndex(valueMs);
  h[i] = (h[i] ?? 0) + count;
}

/** Adds every bucket of `from` into `into`, in place; returns `into`. */
export function mergeInto(into: SparseHistogram, from: SparseHistogram): SparseHistogram {
  for (const key in from) {
    const i = Number(key);
    into[i] = (into[i] ?? 0) + (from[i] ?? 0);
  }
  return into;
}

export function totalCount(h: SparseHistogram): number {
  let n = 0;
  for (const key in h) n += h[Number(key)] ?? 0;
  return n;
}

/**
 * Quantile q ∈ [0, 1] by nearest rank: the representative value of the bucket holding the
 * ⌈q·n⌉-th smallest observation. NaN for an empty histogram.
 */
export function quantileMs(h: SparseHistogram, q: number): number {
  const indices = Object.keys(h)
    .map(Number)
    .filter((i) => (h[i] ?? 0) > 0)
    .sort((a, b) => a - b);
  let n = 0;
  for (const i of indices) n += h[i] ?? 0;
  if (n <= 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * n));
  let seen = 0;
  for (const i of indices) {
    seen += h[i] ?? 0;
    if (seen >= rank) return bucketValueMs(i);
  }
  return bucketValueMs(indices[indices.length - 1] ?? 0);
}

/**
 * Spreads an explicit-bounds histogram (OpenTelemetry `ExplicitBucketHistogram`, bounds in ms)
 * into log buckets. Each explicit bucket's count is split evenly, in log space, over the log
 * buckets its range covers; the open-ended first and last buckets are clamped to the observed
 * min/max when known, else to their single finite bound.
 */
export function addExplicitBuckets(
  h: SparseHistogram,
  boundsMs: readonly number[],
  counts: readonly number[],
  minMs?: number,
  maxMs?: number,
): void {
  for (let b = 0; b < counts.length; b++) {
    const count = counts[b] ?? 0;
    if (!(count > 0)) continue;
    let lo = b === 0 ? (minMs ?? boundsMs[0] ?? 0) : (boundsMs[b - 1] ?? 0);
    let hi = b >= boundsMs.length ? (maxMs ?? boundsMs[boundsMs.length - 1] ?? lo) : (boundsMs[b] ?? lo);
    if (minMs !== undefined && lo < minMs) lo = Math.min(minMs, hi);
    if (maxMs !== undefined && hi > maxMs) hi = Math.max(maxMs, lo);
    const first = bucketIndex(lo > 0 ? lo * 1.000001 : lo);
    const last = bucketIndex(hi);
    const span = last - first + 1;
    if (span <= 1) {
      h[last] = (h[last] ?? 0) + count;
      continue;
    }
    const share = count / span;
    for (let i = first; i <= last; i++) h[i] = (h[i] ?? 0) + share;
  }
}
