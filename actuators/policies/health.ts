/**
 * Health signals of a provider or one of its endpoints, as the daemon reads them: the latest
 * interval's values and what the detectors consider normal. Any may be missing (no traffic, a
 * detector still warming up); policies treat a missing signal as "no evidence", never as bad.
 */
export interface HealthSignals {
  /** Latency of the latest interval (p95 unless the config says otherwise), ms. */
  readonly latencyMs?: number;
  /** What that latency normally is (the detector's expected value), ms. */
  readonly normalLatencyMs?: number;
  /** Errors / requests in the latest interval, 0..1. */
  readonly errorRatio?: number;
  /** Highest anomaly score on this subject's latency or errors, 0..1. */
  readonly anomalyScore?: number;
}

/** Latency against its normal (1 = normal), or undefined when either side is unknown. */
export function latencyRatio(health: HealthSignals): number | undefined {
  const { latencyMs, normalLatencyMs } = health;
  if (latencyMs === undefined || normalLatencyMs === undefined) return undefined;
  if (!Number.isFinite(latencyMs) || !Number.isFinite(normalLatencyMs) || normalLatencyMs <= 0)
    return undefined;
  return latencyMs / normalLatencyMs;
}

/** A finite number or undefined. */
export function finite(x: number | undefined): number | undefined {
  return x !== undefined && Number.isFinite(x) ? x : undefined;
}

/** Compact number for reason texts. */
export function fmt(x: number, digits = 2): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}
