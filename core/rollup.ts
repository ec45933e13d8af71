import { mergeInto, type SparseHistogram } from './histogram.js';
import type { Tags } from './tags.js';

/**
 * Measurements a rollup point belongs to:
 * - `api_calls`: outbound calls to third-party APIs (CLIENT spans, client metrics, nginx
 *   upstreams, synthetic probes); tagged with `provider`.
 * - `inbound`: a service's own inbound load (SERVER spans, server metrics), for scaling.
 */
export const MEASUREMENTS = ['api_calls', 'inbound'] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

/** Default rollup interval: one point per series every 10 s. */
export const DEFAULT_ROLLUP_INTERVAL_MS = 10_000;

/**
 * One interval of one series (DESIGN.md "Telemetry model"). `timeMs` is the interval start,
 * aligned to a multiple of the interval. Stores write it with fields `count` and `errors`
 * (integers), `duration_sum_ms`, `duration_max_ms` and `h<i>` histogram buckets (floats).
 */
export interface RollupPoint {
  readonly measurement: Measurement;
  readonly timeMs: number;
  readonly tags: Tags;
  readonly count: number;
  readonly errors: number;
  readonly durationSumMs: number;
  readonly durationMaxMs: number;
  readonly histogram: SparseHistogram;
}

/** Rollup fields aggregated over one query step (and over every series merged into it). */
export interface RollupAggregate {
  timeMs: number;
  count: number;
  errors: number;
  durationSumMs: number;
  durationMaxMs: number;
  histogram: SparseHistogram;
}

export function emptyAggregate(timeMs: number): RollupAggregate {
  return { timeMs, count: 0, errors: 0, durationSumMs: 0, durationMaxMs: 0, histogram: {} };
}

/** Adds `p` into `agg` in place (counts and buckets add, max takes the larger). */
export function accumulate(
  agg: RollupAggregate,
  p: Pick<RollupAggregate, 'count' | 'errors' | 'durationSumMs' | 'durationMaxMs' | 'histogram'>,
): RollupAggregate {
  agg.count += p.count;
  agg.errors += p.errors;
  agg.durationSumMs += p.durationSumMs;
  if (p.durationMaxMs > agg.durationMaxMs) agg.durationMaxMs = p.durationMaxMs;
  mergeInto(agg.histogram, p.histogram);
  return agg;
}

/** Floors `timeMs` to a multiple of `stepMs` (epoch-aligned, as InfluxDB's GROUP BY time()). */
export function alignTime(timeMs: number, stepMs: number): number {
  return Math.floor(timeMs / stepMs) * stepMs;
}
