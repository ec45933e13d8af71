import { decisionRecord } from '../../actuators/decision-record.js';
import type { DecisionBody, IncidentBody } from '../../core/records/index.js';
import type { StoredRecord } from '../../core/store.js';
import type { DemoScenario } from './demo-traffic.js';

const MINUTE_MS = 60_000;

/**
 * The records the daemon would have written about the demo scenario, in the shapes their
 * producers use (tags and bodies): forecasts every 5 min per provider and service
 * (forecast-stage.ts), anomalies on the Stripe incident and the checkout surge (detection-stage.ts),
 * decisions with dry-run, unchanged and applied outcomes (actuators/decision-record.ts), and two
 * incidents, one resolved and one still open (alerts/incidents/incident-state.ts).
 */
export function demoRecords(s: DemoScenario, rates: Readonly<Record<string, number>>): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (let t = s.fromMs + 15 * MINUTE_MS; t < s.toMs; t += 5 * MINUTE_MS) {
    for (const [key, rate] of Object.entries(rates)) {
      const [measurement, tag, value] = key.split(':') as [string, string, string];
      const steps = 60;
      const p50 = Array.from({ length: steps }, (_, i) => rate * (1 + 0.1 * Math.sin(i / 10)));
      out.push({
        kind: 'forecast',
        id: `${measurement}-${value}-${t}`,
        timeMs: t,
        tags: { [tag]: value, signal: 'request_rate', measurement },
        body: {
          signal: 'request_rate',
          measurement,
          startMs: t + MINUTE_MS,
          stepMs: MINUTE_MS,
          p10: p50.map((v) => v * 0.8),
          p50,
          p90: p50.map((v) => v * 1.25),
          model: { id: 'seasonal-naive', version: '1' },
          // Search's inbound series is served by the fallback model (as after a cold start).
          ...(value === 'search' ? { note: 'cold start: seasonal baseline until 7 days of history' } : {}),
        },
      });
    }
  }

  const anomaly = (
    timeMs: number,
    tags: Record<string, string>,
    signal: string,
    measurement: string,
    observed: number,
    expected: number,
  ): StoredRecord => ({
    kind: 'anomaly',
    id: `${signal}-${Object.values(tags).join('-')}-${timeMs}`,
    timeMs,
    tags: { ...tags, signal },
    body: {
      signal,
      measurement,
      score: 0.93,
      observed,
      expected,
      lower: expected * 0.7,
      upper: expected * 1.3,
      detector: 'ewma-zscore',
      component: 'level',
      explanation: `${signal} ${observed.toFixed(3)} against an expected ${expected.toFixed(3)}`,
    },
  });
  const stripe = { provider: 'stripe', endpoint: '/v1/charges' };
  for (let t = s.incident.fromMs + MINUTE_MS; t < s.incident.toMs; t += 2 * MINUTE_MS) {
    out.push(anomaly(t, stripe, 'latency_p95_ms', 'api_calls', 1_900, 320));
    out.push(anomaly(t, stripe, 'error_ratio', 'api_calls', 0.15, 0.01));
  }
  out.push(anomaly(s.incident.fromMs + MINUTE_MS, stripe, 'request_rate', 'api_calls', 0.7, 1.2));
  out.push(
    anomaly(s.surgeFromMs + 2 * MINUTE_MS, { service: 'checkout' }, 'request_rate', 'inbound', 2.9, 1.4),
  );

  const decision = (timeMs: number, body: DecisionBody): void => {
    out.push(decisionRecord(timeMs, body));
  };
  const base = { suppressed: [], mode: 'dry_run' as const };
  for (let t = s.fromMs + 10 * MINUTE_MS; t < s.toMs; t += 10 * MINUTE_MS) {
    decision(t, {
      ...base,
      target: 'nginx',
      targetKind: 'nginx',
      policy: 'cache_ttl',
      subject: { provider: 'geo' },
      control: 'cache_ttl',
      outcome: 'unchanged',
      current: { ttlSeconds: 60, staleOnError: true },
      desired: { ttlSeconds: 60, staleOnError: true },
      reasons: ['already in the desired state'],
    });
  }
  decision(s.incident.fromMs + 3 * MINUTE_MS, {
    ...base,
    target: 'nginx',
    targetKind: 'nginx',
    policy: 'cache_ttl',
    subject: { provider: 'stripe' },
    control: 'cache_ttl',
    outcome: 'dry_run',
    current: { ttlSeconds: 30, staleOnError: false },
    desired: { ttlSeconds: 300, staleOnError: true },
    reasons: [
      'stripe p95 1.9 s is 6x its baseline: serve cached answers longer',
      'dry_run: decided and recorded, not applied',
    ],
  });
  decision(s.incident.fromMs + 4 * MINUTE_MS, {
    ...base,
    mode: 'enforce',
    target: 'redis-routing',
    targetKind: 'redis',
    policy: 'routing',
    subject: { provider: 'stripe' },
    control: 'routing',
    outcome: 'applied',
    current: { weights: { 'eu-west-1': 100 }, down: [], backup: ['us-east-1'] },
    desired: { weights: { 'us-east-1': 100 }, down: ['eu-west-1'], backup: [] },
    reasons: ['eu-west-1 error ratio 15% over 5 min', 'applied (was eu-west-1)'],
  });
  decision(s.surgeFromMs - 10 * MINUTE_MS, {
    ...base,
    target: 'kubernetes',
    targetKind: 'kubernetes',
    policy: 'scaling',
    subject: { service: 'checkout' },
    control: 'replicas',
    outcome: 'dry_run',
    current: { replicas: 3 },
    desired: { replicas: 6 },
    reasons: [
      'forecast p90 2.8 req/s in 15 min needs 6 replicas',
      'dry_run: decided and recorded, not applied',
    ],
  });

  decision(s.surgeFromMs + 5 * MINUTE_MS, {
    ...base,
    mode: 'enforce',
    target: 'kubernetes',
    targetKind: 'kubernetes',
    policy: 'scaling',
    subject: { service: 'search' },
    control: 'replicas',
    outcome: 'failed',
    desired: { replicas: 4 },
    reasons: ['forecast p90 needs 4 replicas'],
    error: 'could not read the current state: HTTP 503 from the Kubernetes API',
  });

  out.push(
    incident(
      'inc-stripe',
      s.incident.fromMs + MINUTE_MS,
      s.incident.toMs + 5 * MINUTE_MS,
      { provider: 'stripe' },
      'resolved',
    ),
  );
  out.push(incident('inc-checkout', s.surgeFromMs + 2 * MINUTE_MS, s.toMs, { service: 'checkout' }, 'open'));
  return out;
}

function incident(
  id: string,
  startedMs: number,
  updatedMs: number,
  tags: Record<string, string>,
  status: 'open' | 'resolved',
): StoredRecord<'incident'> {
  const who = Object.values(tags).join(', ');
  const body: IncidentBody = {
    status,
    severity: 'critical',
    groupKey: Object.entries(tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    title: `${who}: ${status === 'open' ? 'load surge' : 'latency and errors'}`,
    summary: `${who} is anomalous since ${new Date(startedMs).toISOString()}.`,
    startedMs,
    updatedMs,
    ...(status === 'resolved' ? { resolvedMs: updatedMs } : {}),
    timeline: [{ timeMs: startedMs, kind: 'opened', text: 'first anomaly' }],
    facts: { version: 1, status, groupTags: tags },
    notification: { count: 1, lastSentMs: startedMs },
  };
  return { kind: 'incident', id, timeMs: startedMs, tags, body };
}
