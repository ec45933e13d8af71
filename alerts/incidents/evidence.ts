import type { StoredRecord } from '../../core/store.js';
import { toDisplay, unitOf, type ActionFact, type ForecastFact } from './facts.js';
import type { IncidentState } from './incident-state.js';

/**
 * True when a decision or forecast concerns the incident: same time (from `lookbackMs` before
 * the start until the quiet period after the last anomaly would end it) and an overlapping
 * scope (a provider, service or endpoint the incident affects, or its grouping tags).
 */
export function relevantTo(
  record: StoredRecord<'decision'> | StoredRecord<'forecast'>,
  state: IncidentState,
  lookbackMs: number,
): boolean {
  if (record.timeMs < state.startedMs - lookbackMs) return false;
  if (state.status === 'resolved' && state.resolvedMs !== undefined && record.timeMs > state.resolvedMs)
    return false;
  const values: Record<string, string> = { ...record.tags };
  if (record.kind === 'decision') Object.assign(values, (record as StoredRecord<'decision'>).body.subject);
  if (values.provider !== undefined && state.providers.has(values.provider)) return true;
  if (values.service !== undefined && state.services.has(values.service)) return true;
  const groupTags = Object.entries(state.group.tags);
  return groupTags.length > 0 && groupTags.every(([k, v]) => values[k] === v);
}

/** The facts of a decision: what changed (from → to) when its desired state says so. */
export function actionFromDecision(record: StoredRecord<'decision'>): ActionFact {
  const { body } = record;
  const desired = asObject(body.desired);
  const current = asObject(body.current);
  const base = {
    id: record.id,
    timeMs: record.timeMs,
    target: body.target,
    targetKind: body.targetKind,
    policy: body.policy,
    subject: { ...body.subject },
    mode: body.mode,
    outcome: body.outcome,
    reasons: [...body.reasons],
    suppressed: body.suppressed.map((s) => s.reason),
    ...(body.error !== undefined ? { error: body.error } : {}),
  };
  const numeric = (key: string): Pick<ActionFact, 'from' | 'to'> => {
    const to = desired?.[key];
    const from = current?.[key];
    return {
      ...(typeof to === 'number' ? { to } : {}),
      ...(typeof from === 'number' ? { from } : {}),
    };
  };
  if (desired && 'replicas' in desired) return { ...base, control: 'replicas', ...numeric('replicas') };
  if (desired && 'ratePerSecond' in desired)
    return { ...base, control: 'rate_limit', ...numeric('ratePerSecond') };
  if (desired && 'ttlSeconds' in desired) return { ...base, control: 'cache_ttl', ...numeric('ttlSeconds') };
  if (desired && 'weights' in desired) {
    const down = Array.isArray(desired.down)
      ? desired.down.filter((d): d is string => typeof d === 'string')
      : [];
    const weights = asObject(desired.weights) ?? {};
    const backup = Array.isArray(desired.backup)
      ? desired.backup.filter((b): b is string => typeof b === 'string' && (weights[b] as number) > 0)
      : [];
    return { ...base, control: 'routing', down, backup };
  }
  return { ...base, control: 'other' };
}

/** The forecast's peak over its horizon (display units); undefined when it has no steps. */
export function forecastFromRecord(record: StoredRecord<'forecast'>): ForecastFact | undefined {
  const { body } = record;
  if (body.p50.length === 0) return undefined;
  let peakIndex = 0;
  body.p50.forEach((v, i) => {
    if (v > body.p50[peakIndex]!) peakIndex = i;
  });
  const p90Peak = Math.max(...body.p90);
  return {
    signal: body.signal,
    tags: Object.fromEntries(
      Object.entries(record.tags).filter(([k]) => k !== 'signal' && k !== 'collector'),
    ),
    unit: unitOf(body.signal),
    issuedMs: record.timeMs,
    horizonMinutes: (body.p50.length * body.stepMs) / 60_000,
    p50Peak: toDisplay(body.signal, body.p50[peakIndex]!),
    p90Peak: toDisplay(body.signal, Number.isFinite(p90Peak) ? p90Peak : body.p50[peakIndex]!),
    p50PeakMs: body.startMs + peakIndex * body.stepMs,
    model: `${body.model.id}@${body.model.version}`,
  };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
