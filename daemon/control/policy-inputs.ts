import type { Forecast } from '../../core/forecaster.js';
import type { StoredRecord } from '../../core/store.js';
import { matchesFilter, type Tags } from '../../core/tags.js';
import type { HealthSignals } from '../../actuators/policies/health.js';
import type { SeriesScore } from './detection-stage.js';
import type { SubjectSignals } from './policy-signals.js';

/** A stored forecast as the policies take it; undefined when it no longer covers `nowMs`. */
export function toForecast(
  record: StoredRecord<'forecast'> | undefined,
  nowMs: number,
): Forecast | undefined {
  if (!record) return undefined;
  const f = record.body;
  if (f.startMs + f.p50.length * f.stepMs <= nowMs) return undefined;
  return {
    startMs: f.startMs,
    stepMs: f.stepMs,
    p10: Float64Array.from(f.p10),
    p50: Float64Array.from(f.p50),
    p90: Float64Array.from(f.p90),
    modelId: f.model.id,
    modelVersion: f.model.version,
  };
}

/**
 * Health of a subject for the policies: the latest settled latency and error ratio, what the
 * detectors consider normal latency (mean of their expectations over the subject's latency
 * series) and the highest current anomaly score on its latency or errors.
 */
export function healthOf(
  signals: SubjectSignals,
  scores: readonly SeriesScore[],
  subject: Tags,
): HealthSignals {
  let anomalyScore: number | undefined;
  const normals: number[] = [];
  for (const s of scores) {
    if (s.measurement !== 'api_calls' || !matchesFilter(s.tags, subject)) continue;
    if (s.signal !== 'latency_p95_ms' && s.signal !== 'error_ratio') continue;
    if (!s.warmingUp && s.anomalous) anomalyScore = Math.max(anomalyScore ?? 0, s.score);
    else if (!s.warmingUp) anomalyScore = Math.max(anomalyScore ?? 0, 0);
    if (
      s.signal === 'latency_p95_ms' &&
      s.expected !== undefined &&
      Number.isFinite(s.expected) &&
      !s.warmingUp
    ) {
      normals.push(s.expected);
    }
  }
  const normalLatencyMs =
    normals.length > 0 ? normals.reduce((a, b) => a + b, 0) / normals.length : undefined;
  return {
    ...(signals.latencyP95Ms !== undefined ? { latencyMs: signals.latencyP95Ms } : {}),
    ...(normalLatencyMs !== undefined ? { normalLatencyMs } : {}),
    ...(signals.errorRatio !== undefined ? { errorRatio: signals.errorRatio } : {}),
    ...(anomalyScore !== undefined ? { anomalyScore } : {}),
  };
}

/**
 * What is known about a subject from `sinceMs` on: its signals when their newest step started
 * then or later (else nothing), and only scores of points from then on. A half-open endpoint is
 * judged on its probe traffic, not on the data that got it ejected.
 */
export function evidenceSince(
  signals: SubjectSignals,
  scores: readonly SeriesScore[],
  sinceMs: number | undefined,
): { signals: SubjectSignals; scores: readonly SeriesScore[] } {
  if (sinceMs === undefined) return { signals, scores };
  return {
    signals: (signals.lastDataMs ?? -Infinity) >= sinceMs ? signals : {},
    scores: scores.filter((s) => s.timeMs >= sinceMs),
  };
}
