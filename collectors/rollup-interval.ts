import { bucketIndex, HISTOGRAM_MAX_INDEX, type SparseHistogram } from '../core/histogram.js';
import type { Measurement, RollupPoint } from '../core/rollup.js';
import type { Tags } from '../core/tags.js';

const BUCKETS = HISTOGRAM_MAX_INDEX + 1;

/**
 * One series within one open interval. The histogram is a dense array (2 KiB) reused through a
 * pool: recording is an index computation and an add, with no allocation per observation.
 */
export class SeriesAccumulator {
  count = 0;
  errors = 0;
  durationSumMs = 0;
  durationMaxMs = 0;
  private lowBucket = BUCKETS;
  private highBucket = -1;

  constructor(
    readonly measurement: Measurement,
    readonly tags: Tags,
    readonly buckets: Float64Array,
  ) {}

  /** One observed call. */
  observe(durationMs: number, isError: boolean): void {
    this.count++;
    if (isError) this.errors++;
    const d = durationMs > 0 ? durationMs : 0;
    this.durationSumMs += d;
    if (d > this.durationMaxMs) this.durationMaxMs = d;
    const i = bucketIndex(d);
    this.buckets[i]! += 1;
    if (i < this.lowBucket) this.lowBucket = i;
    if (i > this.highBucket) this.highBucket = i;
  }

  /** A pre-aggregated group of calls (a metric data point). */
  add(
    count: number,
    errors: number,
    durationSumMs: number,
    durationMaxMs: number,
    histogram: SparseHistogram,
  ): void {
    this.count += count;
    this.errors += errors;
    this.durationSumMs += durationSumMs;
    if (durationMaxMs > this.durationMaxMs) this.durationMaxMs = durationMaxMs;
    for (const key in histogram) {
      const i = Number(key);
      const c = histogram[i] ?? 0;
      if (!(c > 0) || i < 0 || i >= BUCKETS) continue;
      this.buckets[i]! += c;
      if (i < this.lowBucket) this.lowBucket = i;
      if (i > this.highBucket) this.highBucket = i;
    }
  }

  /** The point for this series; clears the bucket array for reuse. */
  toPoint(timeMs: number): RollupPoint {
    const histogram: SparseHistogram = {};
    for (let i = this.lowBucket; i <= this.highBucket; i++) {
      const c = this.buckets[i]!;
      if (c > 0) {
        histogram[i] = c;
        this.buckets[i] = 0;
      }
    }
    return {
      measurement: this.measurement,
      timeMs,
      tags: this.tags,
      count: this.count,
      errors: this.errors,
      durationSumMs: this.durationSumMs,
      durationMaxMs: this.durationMaxMs,
      histogram,
    };
  }
}

type Level<T> = Map<string, T>;
type Index = Level<Level<Level<Level<Level<Level<SeriesAccumulator>>>>>>;

/**
 * Series lookup by tag values through nested maps, one level per tag. Faster than one map keyed
 * by the joined values: joining allocates and hashes a long fresh string per call, while each
 * level hashes one value, and values repeated within a request (service, region, method,
 * status class, matched providers) are the same string objects with their hash cached.
 */
export class SeriesIndex {
  private readonly roots: Record<Measurement, Index> = { api_calls: new Map(), inbound: new Map() };
  size = 0;

  get(
    m: Measurement,
    a: string,
    b: string,
    c: string,
    d: string,
    e: string,
    f: string,
  ): SeriesAccumulator | undefined {
    return this.roots[m].get(a)?.get(b)?.get(c)?.get(d)?.get(e)?.get(f);
  }

  set(
    m: Measurement,
    a: string,
    b: string,
    c: string,
    d: string,
    e: string,
    f: string,
    series: SeriesAccumulator,
  ): void {
    const l1 = child(this.roots[m], a);
    const l2 = child(l1, b);
    const l3 = child(l2, c);
    const l4 = child(l3, d);
    const l5 = child(l4, e);
    if (!l5.has(f)) this.size++;
    l5.set(f, series);
  }
}

function child<T>(level: Level<Map<string, T>>, key: string): Map<string, T> {
  let next = level.get(key);
  if (next === undefined) {
    next = new Map();
    level.set(key, next);
  }
  return next;
}

/** Every series of one interval, indexed by raw tag values (aliases included) and listed once. */
export class RollupInterval {
  readonly index = new SeriesIndex();
  readonly series: SeriesAccumulator[] = [];
  readonly seriesPerMeasurement: Record<Measurement, number> = { api_calls: 0, inbound: 0 };

  constructor(readonly startMs: number) {}
}

/** A small free list of histogram arrays, so steady-state intervals allocate none. */
export class BucketPool {
  private readonly free: Float64Array[] = [];
  constructor(private readonly maxFree: number) {}

  take(): Float64Array {
    return this.free.pop() ?? new Float64Array(BUCKETS);
  }

  /** Arrays must be all zero (SeriesAccumulator.toPoint clears them). */
  give(buckets: Float64Array): void {
    if (this.free.length < this.maxFree) this.free.push(buckets);
  }
}
