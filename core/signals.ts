import { quantileMs } from './histogram.js';
import type { RollupAggregate } from './rollup.js';

/** Signals derived from rollups at read time (the API's `signal=` parameter). */
export const SIGNALS = [
  'count',
  'request_rate',
  'error_ratio',
  'latency_mean_ms',
  'latency_max_ms',
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
] as const;
export type SignalName = (typeof SIGNALS)[number];

export interface SignalPoint {
  /** Step start, epoch ms. */
  t: number;
  value: number;
}

const QUANTILES: Partial<Record<SignalName, number>> = {
  latency_p50_ms: 0.5,
  latency_p95_ms: 0.95,
  latency_p99_ms: 0.99,
};

/**
 * Value of `signal` for one aggregated step of `stepMs`. Returns NaN when the step carries no
 * information for that signal (a ratio or latency over zero requests); `count` and
 * `request_rate` are 0 for an empty step.
 */
export function signalValue(signal: SignalName, agg: RollupAggregate, stepMs: number): number {
  switch (signal) {
    case 'count':
      return agg.count;
    case 'request_rate':
      return agg.count / (stepMs / 1000);
    case 'error_ratio':
      return agg.count > 0 ? agg.errors / agg.count : Number.NaN;
    case 'latency_mean_ms':
      return agg.count > 0 ? agg.durationSumMs / agg.count : Number.NaN;
    case 'latency_max_ms':
      return agg.count > 0 ? agg.durationMaxMs : Number.NaN;
    default: {
      const q = QUANTILES[signal];
      return q === undefined ? Number.NaN : quantileMs(agg.histogram, q);
    }
  }
}

/** True for signals computed from histogram buckets (quantiles). */
export function needsHistogram(signal: SignalName): boolean {
  return QUANTILES[signal] !== undefined;
}

/** True for signals where a step without requests means "0", not "unknown". */
export function isCountLike(signal: SignalName): boolean {
  return signal === 'count' || signal === 'request_rate';
}
