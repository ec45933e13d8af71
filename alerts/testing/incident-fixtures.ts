import type { ErrorSample } from '../../core/error-samples.js';
import type { StoredRecord } from '../../core/store.js';
import { anomalyRecord, decisionRecord, forecastRecord, type AnomalySpec } from './records.js';

/**
 * Scripted incidents for golden summaries and tests: what the detectors, policies, forecasters
 * and collectors would emit over time, as records. Deterministic (a seeded generator).
 */
export interface FixtureEvents {
  anomalies: StoredRecord<'anomaly'>[];
  decisions: StoredRecord<'decision'>[];
  forecasts: StoredRecord<'forecast'>[];
  errors: ErrorSample[];
}

export interface IncidentFixture {
  readonly name: string;
  readonly description: string;
  readonly startMs: number;
  /** How long the scenario lasts (anomalies stop before; the quiet period resolves it). */
  readonly durationMs: number;
  readonly events: FixtureEvents;
}

const T0 = Date.UTC(2026, 0, 5, 14, 5, 0);
const STEP_MS = 10_000;
const MINUTE = 60_000;

/** Mulberry32: a small seeded PRNG so fixtures are identical on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One anomaly per 10 s step over [fromMs, toMs), the value ramping up to `peak` then holding near it. */
function ramp(
  spec: Omit<AnomalySpec, 'timeMs' | 'observed'>,
  fromMs: number,
  toMs: number,
  peak: number,
  random: () => number,
): StoredRecord<'anomaly'>[] {
  const out: StoredRecord<'anomaly'>[] = [];
  const base = spec.expected ?? 0;
  const rampSteps = 6;
  for (let t = fromMs, i = 0; t < toMs; t += STEP_MS, i++) {
    const progress = Math.min(1, (i + 1) / rampSteps);
    const wobble = i >= rampSteps ? 0.92 + random() * 0.07 : 1;
    const observed = i === rampSteps ? peak : base + (peak - base) * progress * wobble;
    out.push(anomalyRecord({ ...spec, timeMs: t, observed, score: Math.min(0.99, 0.72 + 0.04 * i) }));
  }
  return out;
}

function empty(): FixtureEvents {
  return { anomalies: [], decisions: [], forecasts: [], errors: [] };
}

function latencySpike(): IncidentFixture {
  const random = seededRandom(1);
  const events = empty();
  events.anomalies = ramp(
    {
      provider: 'stripe',
      service: 'checkout',
      endpoint: '/v1/charges',
      method: 'POST',
      signal: 'latency_p95_ms',
      expected: 180,
    },
    T0,
    T0 + 12 * MINUTE,
    760,
    random,
  );
  return {
    name: 'latency-spike',
    description: 'p95 latency spike on one endpoint',
    startMs: T0,
    durationMs: 12 * MINUTE,
    events,
  };
}

function providerOutage(): IncidentFixture {
  const random = seededRandom(2);
  const events = empty();
  const endpoints: [string, string, string][] = [
    ['notifier', 'POST', '/2010-04-01/Accounts/{sid}/Messages.json'],
    ['notifier', 'POST', '/2010-04-01/Accounts/{sid}/Calls.json'],
    ['api', 'POST', '/v2/Services/{sid}/Verifications'],
    ['api', 'POST', '/v2/Services/{sid}/VerificationCheck'],
    ['billing', 'POST', '/2010-04-01/Accounts/{sid}/Messages.json'],
  ];
  endpoints.forEach(([service, method, endpoint], i) => {
    const start = T0 + i * 10_000;
    events.anomalies.push(
      ...ramp(
        { provider: 'twilio', service, endpoint, method, signal: 'error_ratio', expected: 0.004 },
        start,
        T0 + 9 * MINUTE,
        0.382 - i * 0.01,
        random,
      ),
      ...ramp(
        { provider: 'twilio', service, endpoint, method, signal: 'latency_p95_ms', expected: 240 },
        start + MINUTE,
        T0 + 9 * MINUTE,
        1900 + i * 40,
        random,
      ),
    );
  });
  events.decisions.push(
    decisionRecord({
      id: 'd-routing-twilio-1',
      timeMs: T0 + 2 * MINUTE,
      policy: 'routing',
      target: 'nginx-edge',
      subject: { provider: 'twilio' },
      outcome: 'applied',
      current: { weights: { 'api.twilio.com': 100, 'backup-sms': 0 }, down: [], backup: ['backup-sms'] },
      desired: {
        weights: { 'api.twilio.com': 0, 'backup-sms': 100 },
        down: ['api.twilio.com'],
        backup: ['backup-sms'],
      },
      reasons: ['error ratio above 20% for 2 minutes on every twilio endpoint'],
    }),
  );
  for (let i = 0; i < 120; i++) {
    const endpoint = endpoints[i % endpoints.length]!;
    const message =
      i % 10 < 7
        ? `503 Service Unavailable from api.twilio.com (request ${(0x1a2b3c + i * 7919).toString(16)}ef)`
        : i % 10 < 9
          ? `connect ETIMEDOUT 54.172.60.${i % 200}:443`
          : `Twilio error 20429: Too Many Requests`;
    events.errors.push({
      timeMs: T0 + 20_000 + i * 3_000,
      tags: { provider: 'twilio', service: endpoint[0], endpoint: endpoint[2] },
      message,
    });
  }
  return {
    name: 'provider-outage',
    description: 'provider-wide outage with failover',
    startMs: T0,
    durationMs: 9 * MINUTE,
    events,
  };
}

function trafficSurge(): IncidentFixture {
  const random = seededRandom(3);
  const events = empty();
  events.anomalies.push(
    ...ramp(
      { service: 'checkout', signal: 'request_rate', expected: 400, measurement: 'inbound' },
      T0,
      T0 + 20 * MINUTE,
      1240,
      random,
    ),
    ...ramp(
      { service: 'checkout', signal: 'latency_p95_ms', expected: 150, measurement: 'inbound' },
      T0 + 2 * MINUTE,
      T0 + 14 * MINUTE,
      420,
      random,
    ),
  );
  events.forecasts.push(
    forecastRecord({
      timeMs: T0 + MINUTE,
      signal: 'request_rate',
      tags: { service: 'checkout' },
      stepMs: 5 * MINUTE,
      p50: [1180, 1290, 1380, 1350, 1200, 1010],
      p90: [1350, 1480, 1600, 1570, 1400, 1190],
    }),
  );
  events.decisions.push(
    decisionRecord({
      id: 'd-scaling-checkout-1',
      timeMs: T0 + 90_000,
      policy: 'scaling',
      target: 'kubernetes-prod',
      subject: { service: 'checkout' },
      outcome: 'dry_run',
      current: { replicas: 4 },
      desired: { replicas: 9 },
      reasons: ['forecast p90 load 1,600 req/s needs 9 replicas at 180 req/s each'],
    }),
  );
  return {
    name: 'traffic-surge',
    description: 'traffic surge with scale-up',
    startMs: T0,
    durationMs: 20 * MINUTE,
    events,
  };
}

function errorBurst(): IncidentFixture {
  const random = seededRandom(4);
  const events = empty();
  events.anomalies = ramp(
    {
      provider: 'stripe',
      service: 'checkout',
      endpoint: '/v1/charges',
      method: 'POST',
      signal: 'error_ratio',
      expected: 0.005,
    },
    T0,
    T0 + 7 * MINUTE,
    0.124,
    random,
  );
  const customers = Array.from({ length: 40 }, (_, i) => `cus_${(9_000_000 + i * 7_919).toString(36)}Xk${i}`);
  for (let i = 0; i < 200; i++) {
    const r = random();
    const message =
      r < 0.62
        ? `card_declined for customer ${customers[i % customers.length]}`
        : r < 0.87
          ? `rate_limit exceeded for key rk_live_${(100_000 + i * 31).toString(36)}a9`
          : `idempotency_key_in_use: request ${(0xabc000 + i).toString(16)}f7 still running`;
    events.errors.push({
      timeMs: T0 + 5_000 + i * 2_000,
      tags: { provider: 'stripe', service: 'checkout', endpoint: '/v1/charges' },
      message,
    });
  }
  return {
    name: 'error-burst',
    description: 'error burst with one dominant error template',
    startMs: T0,
    durationMs: 7 * MINUTE,
    events,
  };
}

/** The golden-summary fixtures of issue 7. */
export function incidentFixtures(): IncidentFixture[] {
  return [latencySpike(), providerOutage(), trafficSurge(), errorBurst()];
}
