import { bucketUpperMs, bucketValueMs, type SparseHistogram } from '../../core/histogram.js';
import type { BucketCounts } from './cumulative-streams.js';
import { listOf, uint64ToNumber } from './values.js';

/** The fields of an OTLP HistogramDataPoint / ExponentialHistogramDataPoint the rollup reads. */
export interface PointLike {
  attributes?: unknown;
  startTimeUnixNano?: unknown;
  timeUnixNano?: unknown;
  count?: unknown;
  sum?: unknown;
  min?: unknown;
  max?: unknown;
  bucketCounts?: unknown;
  explicitBounds?: unknown;
  scale?: unknown;
  zeroCount?: unknown;
  positive?: { offset?: unknown; bucketCounts?: unknown } | null;
}

function optionalMs(v: unknown, msPerUnit: number): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v * msPerUnit : undefined;
}

/** Explicit-bucket point → counts in ms; undefined when inconsistent. */
export function explicitBuckets(p: PointLike, msPerUnit: number): BucketCounts | undefined {
  const count = uint64ToNumber(p.count);
  const bounds = listOf(p.explicitBounds);
  const rawCounts = listOf(p.bucketCounts);
  if (!(count >= 0) || !Number.isFinite(count)) return undefined;
  if (rawCounts.length !== 0 && rawCounts.length !== bounds.length + 1) return undefined;
  const boundsMs: number[] = [];
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i];
    if (typeof b !== 'number' || !Number.isFinite(b) || (i > 0 && b <= (bounds[i - 1] as number)))
      return undefined;
    boundsMs.push(b * msPerUnit);
  }
  const counts: number[] = [];
  let total = 0;
  for (const c of rawCounts) {
    const n = uint64ToNumber(c);
    if (!(n >= 0) || !Number.isFinite(n)) return undefined;
    counts.push(n);
    total += n;
  }
  if (rawCounts.length > 0 && total !== count) return undefined;
  // A point without buckets still carries count and sum: put its calls at the mean.
  const sumMs = typeof p.sum === 'number' ? p.sum * msPerUnit : Number.NaN;
  if (rawCounts.length === 0) {
    if (count === 0) return { count, sumMs: 0, zeroCount: 0, boundsMs: [], counts: [] };
    if (!Number.isFinite(sumMs)) return undefined;
    return { count, sumMs, zeroCount: 0, boundsMs: [sumMs / count], counts: [count, 0] };
  }
  return {
    count,
    sumMs,
    zeroCount: 0,
    boundsMs,
    counts,
    minMs: optionalMs(p.min, msPerUnit),
    maxMs: optionalMs(p.max, msPerUnit),
  };
}

/** Exponential point (positive buckets only: durations are not negative) → explicit bounds. */
export function exponentialBuckets(p: PointLike, msPerUnit: number): BucketCounts | undefined {
  const count = uint64ToNumber(p.count);
  const scale = typeof p.scale === 'number' ? p.scale : 0;
  if (!(count >= 0) || !Number.isFinite(count) || scale < -10 || scale > 20) return undefined;
  const offset = typeof p.positive?.offset === 'number' ? p.positive.offset : 0;
  const raw = listOf(p.positive?.bucketCounts);
  if (raw.length > 16_384) return undefined;
  const base = 2 ** (2 ** -scale);
  const boundsMs: number[] = [];
  const counts: number[] = [0];
  let total = uint64ToNumber(p.zeroCount ?? 0);
  if (!(total >= 0)) return undefined;
  for (let k = 0; k <= raw.length; k++) boundsMs.push(base ** (offset + k) * msPerUnit);
  for (const c of raw) {
    const n = uint64ToNumber(c);
    if (!(n >= 0) || !Number.isFinite(n)) return undefined;
    counts.push(n);
    total += n;
  }
  counts.push(0);
  if (total !== count) return undefined;
  const sumMs = typeof p.sum === 'number' ? p.sum * msPerUnit : Number.NaN;
  return {
    count,
    sumMs,
    zeroCount: uint64ToNumber(p.zeroCount ?? 0),
    boundsMs,
    counts,
    minMs: optionalMs(p.min, msPerUnit),
    maxMs: optionalMs(p.max, msPerUnit),
  };
}

export function estimateSumMs(h: SparseHistogram): number {
  let sum = 0;
  for (const key in h) sum += (h[Number(key)] ?? 0) * bucketValueMs(Number(key));
  return sum;
}

/** Upper bound of the highest non-empty bucket, no higher than a known maximum. */
export function estimateMaxMs(h: SparseHistogram, knownMaxMs: number | undefined): number {
  let top = -1;
  for (const key in h) if ((h[Number(key)] ?? 0) > 0 && Number(key) > top) top = Number(key);
  const upper = top < 0 ? 0 : bucketUpperMs(top);
  return knownMaxMs === undefined ? upper : Math.min(upper, knownMaxMs);
}
