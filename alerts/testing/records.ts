import type { AnomalyBody, DecisionBody, ForecastBody } from '../../core/records/index.js';
import type { StoredRecord } from '../../core/store.js';
import { normalizeTags } from '../../core/tags.js';

/** Builders of anomaly / decision / forecast records for tests and fixtures. */

export interface AnomalySpec {
  timeMs: number;
  signal: string;
  observed: number;
  expected?: number;
  score?: number;
  measurement?: 'api_calls' | 'inbound';
  provider?: string;
  service?: string;
  endpoint?: string;
  method?: string;
  region?: string;
}

let counter = 0;

export function anomalyRecord(spec: AnomalySpec): StoredRecord<'anomaly'> {
  const measurement = spec.measurement ?? (spec.provider ? 'api_calls' : 'inbound');
  const tags = normalizeTags({
    provider: spec.provider,
    service: spec.service,
    endpoint: spec.endpoint,
    method: spec.method,
    region: spec.region,
    signal: spec.signal,
    collector: 'otlp:test',
  });
  const body: AnomalyBody = {
    signal: spec.signal,
    measurement,
    score: spec.score ?? 0.9,
    observed: spec.observed,
    ...(spec.expected !== undefined
      ? { expected: spec.expected, lower: spec.expected * 0.8, upper: spec.expected * 1.2 }
      : {}),
    detector: 'seasonal-z',
    component: 'z',
    explanation: `${spec.signal} ${spec.observed} outside the expected range`,
  };
  return { kind: 'anomaly', id: `a-${spec.timeMs}-${++counter}`, timeMs: spec.timeMs, tags, body };
}

export interface DecisionSpec {
  id: string;
  timeMs: number;
  policy: string;
  target: string;
  targetKind?: string;
  subject: Record<string, string>;
  outcome: DecisionBody['outcome'];
  mode?: DecisionBody['mode'];
  current?: unknown;
  desired: unknown;
  reasons: string[];
}

export function decisionRecord(spec: DecisionSpec): StoredRecord<'decision'> {
  return {
    kind: 'decision',
    id: spec.id,
    timeMs: spec.timeMs,
    tags: normalizeTags({ target: spec.target, policy: spec.policy, ...spec.subject }),
    body: {
      target: spec.target,
      targetKind: spec.targetKind ?? spec.target.split('-')[0]!,
      policy: spec.policy,
      subject: spec.subject,
      mode: spec.mode ?? (spec.outcome === 'dry_run' ? 'dry_run' : 'enforce'),
      outcome: spec.outcome,
      ...(spec.current !== undefined ? { current: spec.current } : {}),
      desired: spec.desired,
      reasons: spec.reasons,
      suppressed: [],
    },
  };
}

export interface ForecastSpec {
  timeMs: number;
  signal: string;
  tags: Record<string, string>;
  stepMs: number;
  p50: number[];
  p90: number[];
}

export function forecastRecord(spec: ForecastSpec): StoredRecord<'forecast'> {
  const body: ForecastBody = {
    signal: spec.signal,
    measurement: 'inbound',
    startMs: spec.timeMs,
    stepMs: spec.stepMs,
    p10: spec.p50.map((v) => v * 0.8),
    p50: spec.p50,
    p90: spec.p90,
    model: { id: 'holt-winters', version: '1' },
  };
  return {
    kind: 'forecast',
    id: `f-${spec.timeMs}`,
    timeMs: spec.timeMs,
    tags: normalizeTags({ ...spec.tags, signal: spec.signal }),
    body,
  };
}
