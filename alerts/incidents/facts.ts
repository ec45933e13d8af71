import { z } from 'zod';
import { SEVERITIES } from '../../core/records/incident.js';

/**
 * The facts of an incident: what the summary is written from and what is stored with it
 * (`IncidentBody.facts`). Every number a summary prints is one of these (or appears in one of
 * these strings), which the number checker verifies. Values are in display units (latency in
 * ms, error ratio in %, rates in req/s) so that the text and the facts round the same way.
 */

export const DISPLAY_UNITS = ['ms', '%', 'req/s', ''] as const;

/** One anomalous series (a signal of one provider endpoint or service), aggregated. */
export const seriesFactSchema = z.object({
  key: z.string(),
  signal: z.string(),
  measurement: z.string(),
  /** provider / service / endpoint / method / region of the series (no `collector`). */
  tags: z.record(z.string(), z.string()),
  unit: z.enum(DISPLAY_UNITS),
  firstMs: z.number(),
  lastMs: z.number(),
  /** Anomalous points seen. */
  count: z.number().int(),
  maxScore: z.number(),
  /** The most extreme point: observed and expected values, and when. */
  peak: z.number(),
  normal: z.number().optional(),
  /** peak / normal, when normal > 0. */
  ratio: z.number().optional(),
  peakMs: z.number(),
  direction: z.enum(['up', 'down']),
});
export type SeriesFact = z.infer<typeof seriesFactSchema>;

/** A decision Headroom made about the incident's scope (applied, dry run, held, failed...). */
export const actionFactSchema = z.object({
  id: z.string(),
  timeMs: z.number(),
  target: z.string(),
  targetKind: z.string(),
  policy: z.string(),
  subject: z.record(z.string(), z.string()),
  mode: z.string(),
  outcome: z.string(),
  /** What changed, when the desired state says so: replicas, ratePerSecond, ttlSeconds, routing. */
  control: z.enum(['replicas', 'rate_limit', 'cache_ttl', 'routing', 'other']),
  from: z.number().optional(),
  to: z.number().optional(),
  /** Routing: endpoints ejected / backups in use. */
  down: z.array(z.string()).optional(),
  backup: z.array(z.string()).optional(),
  reasons: z.array(z.string()),
  suppressed: z.array(z.string()),
  error: z.string().optional(),
});
export type ActionFact = z.infer<typeof actionFactSchema>;

export const forecastFactSchema = z.object({
  signal: z.string(),
  tags: z.record(z.string(), z.string()),
  unit: z.enum(DISPLAY_UNITS),
  issuedMs: z.number(),
  horizonMinutes: z.number(),
  /** Highest median and 90th-percentile values over the horizon. */
  p50Peak: z.number(),
  p90Peak: z.number(),
  p50PeakMs: z.number(),
  model: z.string(),
});
export type ForecastFact = z.infer<typeof forecastFactSchema>;

export const errorFactsSchema = z.object({
  sampleCount: z.number().int(),
  templates: z.array(z.object({ template: z.string(), count: z.number().int(), sharePercent: z.number() })),
});
export type ErrorFacts = z.infer<typeof errorFactsSchema>;

/** What most likely started it, from which series moved first and where. */
export const causeFactSchema = z.object({
  kind: z.enum(['traffic', 'provider', 'endpoint', 'service', 'unknown']),
  /** Key of the series that moved first. */
  firstKey: z.string(),
  /** Minutes between the first series and the next different signal (when there is one). */
  leadMinutes: z.number().optional(),
  /** Share of affected endpoints behind the same provider. */
  providerSharePercent: z.number().optional(),
});
export type CauseFact = z.infer<typeof causeFactSchema>;

export const incidentFactsSchema = z.object({
  version: z.literal(1),
  groupKey: z.string(),
  groupTags: z.record(z.string(), z.string()),
  status: z.enum(['open', 'resolved']),
  severity: z.enum(SEVERITIES),
  maxScore: z.number(),
  startedMs: z.number(),
  lastAnomalyMs: z.number(),
  resolvedMs: z.number().optional(),
  /** From the first to the last anomaly, whole minutes. */
  durationMinutes: z.number(),
  /** Minutes without an anomaly that resolved it. */
  quietMinutes: z.number(),
  anomalyCount: z.number().int(),
  providers: z.array(z.string()),
  services: z.array(z.string()),
  /** "POST /v1/charges" (method and endpoint), per provider or service. */
  endpoints: z.array(z.string()),
  providerCount: z.number().int(),
  serviceCount: z.number().int(),
  endpointCount: z.number().int(),
  series: z.array(seriesFactSchema),
  /** Series not kept in `series` (bounded), still counted above. */
  omittedSeries: z.number().int(),
  actions: z.array(actionFactSchema),
  forecast: forecastFactSchema.optional(),
  errors: errorFactsSchema.optional(),
  cause: causeFactSchema.optional(),
});
export type IncidentFacts = z.infer<typeof incidentFactsSchema>;

/** Display unit of a signal (core/signals.ts names). */
export function unitOf(signal: string): (typeof DISPLAY_UNITS)[number] {
  if (signal === 'error_ratio') return '%';
  if (signal.startsWith('latency_')) return 'ms';
  if (signal === 'request_rate') return 'req/s';
  return '';
}

/** Converts a stored value to its display unit (error ratio 0.38 → 38 %). */
export function toDisplay(signal: string, value: number): number {
  return signal === 'error_ratio' ? value * 100 : value;
}

/** "p95 latency", "error ratio", "request rate". */
export function signalLabel(signal: string): string {
  const latency = /^latency_(p\d+|mean|max)_ms$/.exec(signal);
  if (latency) return latency[1] === 'mean' ? 'mean latency' : `${latency[1]} latency`;
  if (signal === 'error_ratio') return 'error ratio';
  if (signal === 'request_rate') return 'request rate';
  if (signal === 'count') return 'call count';
  return signal.replaceAll('_', ' ');
}

/** "POST /v1/charges" from a series' tags (method is optional). */
export function endpointLabel(tags: Readonly<Record<string, string>>): string | undefined {
  if (!tags.endpoint) return undefined;
  return tags.method ? `${tags.method} ${tags.endpoint}` : tags.endpoint;
}
