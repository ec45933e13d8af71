import { bucketIndex } from '../../../core/histogram.js';
import type { RollupPoint } from '../../../core/rollup.js';
import type { StoredRecord, Store } from '../../../core/store.js';

const MINUTE_MS = 60_000;

/** A forecast of stripe's request rate, as the forecast stage stores it (60 s steps, 150 steps). */
export function exampleForecast(nowMs: number, provider = 'stripe', steps = 150): StoredRecord<'forecast'> {
  const p50 = Array.from({ length: steps }, (_, i) => 45 + 5 * Math.sin((2 * Math.PI * i) / 60));
  return {
    kind: 'forecast',
    id: `forecast-${provider}-${nowMs}`,
    timeMs: nowMs,
    tags: { provider, signal: 'request_rate', measurement: 'api_calls' },
    body: {
      signal: 'request_rate',
      measurement: 'api_calls',
      startMs: nowMs,
      stepMs: MINUTE_MS,
      p10: p50.map((v) => v * 0.9),
      p50,
      p90: p50.map((v) => v * 1.12),
      model: { id: 'seasonal-naive-daily', version: '1' },
      backtest: { wape: 0.114 },
      note: 'no promoted model yet: a seasonal baseline serves',
    },
  };
}

/**
 * What the API examples talk about, in a store: ten minutes of stripe calls from checkout (the
 * last two slow), the stripe forecast, an anomaly, an open incident and a dry-run decision.
 * Written before the daemon starts (the forecast stage loads its forecasts at start-up).
 */
export async function seedExampleData(store: Store, nowMs: number): Promise<void> {
  const points: RollupPoint[] = [];
  for (let m = 10; m >= 1; m--) {
    const latencyMs = m <= 2 ? 687 : 210;
    points.push({
      measurement: 'api_calls',
      timeMs: nowMs - m * MINUTE_MS,
      tags: {
        provider: 'stripe',
        service: 'checkout',
        endpoint: '/v1/charges',
        method: 'POST',
        status_class: '2xx',
        collector: 'otlp:node-a',
      },
      count: 2_700,
      errors: 0,
      durationSumMs: 2_700 * latencyMs,
      durationMaxMs: latencyMs * 1.5,
      histogram: { [bucketIndex(latencyMs)]: 2_700 },
    });
  }
  await store.write(points);
  const anomalyAt = nowMs - 2 * MINUTE_MS;
  await store.putRecords([
    exampleForecast(nowMs),
    {
      kind: 'anomaly',
      id: `anomaly-stripe-${anomalyAt}`,
      timeMs: anomalyAt,
      tags: { provider: 'stripe', signal: 'latency_p95_ms' },
      body: {
        signal: 'latency_p95_ms',
        measurement: 'api_calls',
        score: 0.97,
        observed: 687,
        expected: 212,
        lower: 160,
        upper: 265,
        detector: 'novelty',
        component: 'mean-shift',
        explanation: 'p95 latency 687 ms (expected 160 ms–265 ms)',
      },
    },
    {
      kind: 'incident',
      id: 'stripe-20260105-1358-x7k2',
      timeMs: anomalyAt,
      tags: { provider: 'stripe' },
      body: {
        status: 'open',
        severity: 'warning',
        groupKey: 'provider=stripe',
        title: 'stripe: p95 latency 3.2× normal on POST /v1/charges',
        summary: 'Calls to stripe `POST /v1/charges`: p95 latency rose to 687 ms, against 212 ms normally.',
        startedMs: anomalyAt,
        updatedMs: anomalyAt,
        timeline: [
          { timeMs: anomalyAt, kind: 'opened', text: 'p95 latency 687 ms (expected 160 ms–265 ms)' },
        ],
        facts: { services: ['checkout'] },
        notification: { count: 0 },
      },
    },
    {
      kind: 'decision',
      id: `decision-${anomalyAt}`,
      timeMs: anomalyAt,
      tags: {
        provider: 'stripe',
        target: 'edge-proxy',
        policy: 'cache-ttl',
        control: 'cache_ttl',
      },
      body: {
        target: 'edge-proxy',
        targetKind: 'webhook',
        policy: 'cache-ttl',
        subject: { provider: 'stripe' },
        control: 'cache_ttl',
        mode: 'dry_run',
        outcome: 'dry_run',
        current: { ttlSeconds: 60, staleOnError: false },
        desired: { ttlSeconds: 300, staleOnError: true },
        reasons: ['stripe p95 latency 687 ms is anomalous: serve cached responses longer'],
        suppressed: [],
      },
    },
  ]);
}
