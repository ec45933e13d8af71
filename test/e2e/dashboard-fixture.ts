import { mkdtempSync, rmSync } from 'node:fs';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { ControlKind } from '../../core/actuator.js';
import { FakeClock } from '../../core/clock.js';
import { recordValue, type SparseHistogram } from '../../core/histogram.js';
import type { AnomalyBody, DecisionBody } from '../../core/records/index.js';
import type { Measurement, RollupPoint } from '../../core/rollup.js';
import type { Store, StoredRecord } from '../../core/store.js';
import { App } from '../../daemon/app.js';
import { configSchema } from '../../daemon/config/schema.js';
import { MODULES } from '../../daemon/modules/registry.js';
import type { Scheduler } from '../../daemon/scheduler.js';
import type { Services } from '../../daemon/services.js';
import { createStore } from '../../storage/create-store.js';
import { freePort } from '../helpers/free-port.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

const S = 1_000;
const MIN = 60 * S;
const INTERVAL_MS = 10 * S;
const WEBHOOK_SECRET = 'dashboard-fixture-secret-0123456789';

/** Small deterministic PRNG (mulberry32), so the seeded telemetry is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface SeriesSpec {
  measurement: Measurement;
  tags: Record<string, string>;
  ratePerSecond: number;
  medianMs: number;
  errorRatio: number;
  /** Multiplies latency / sets the error ratio inside [fromMs, toMs) relative to now. */
  incidents?: { fromAgoMs: number; toAgoMs: number; latencyFactor?: number; errorRatio?: number }[];
}

/** Two services calling three providers (one with a primary and a backup region), plus inbound load. */
const SERIES: SeriesSpec[] = [
  {
    measurement: 'api_calls',
    tags: { service: 'checkout', provider: 'stripe', endpoint: '/v1/charges', method: 'POST' },
    ratePerSecond: 6,
    medianMs: 180,
    errorRatio: 0.004,
    incidents: [{ fromAgoMs: 9 * MIN, toAgoMs: 0, latencyFactor: 3.5, errorRatio: 0.06 }],
  },
  {
    measurement: 'api_calls',
    tags: { service: 'checkout', provider: 'stripe', endpoint: '/v1/customers/{id}', method: 'GET' },
    ratePerSecond: 3,
    medianMs: 90,
    errorRatio: 0.002,
  },
  {
    measurement: 'api_calls',
    tags: {
      service: 'checkout',
      provider: 'twilio',
      endpoint: '/2010-04-01/Accounts/{AccountSid}/Messages.json',
      method: 'POST',
    },
    ratePerSecond: 1.5,
    medianMs: 260,
    errorRatio: 0.01,
    incidents: [{ fromAgoMs: 45 * MIN, toAgoMs: 38 * MIN, errorRatio: 0.35 }],
  },
  {
    measurement: 'api_calls',
    tags: {
      service: 'search',
      provider: 'maps',
      endpoint: '/maps/api/geocode/json',
      method: 'GET',
      region: 'us-east-1',
    },
    ratePerSecond: 9,
    medianMs: 60,
    errorRatio: 0.003,
  },
  {
    measurement: 'api_calls',
    tags: {
      service: 'search',
      provider: 'maps',
      endpoint: '/maps/api/geocode/json',
      method: 'GET',
      region: 'eu-west-1',
    },
    ratePerSecond: 1,
    medianMs: 95,
    errorRatio: 0.003,
  },
  {
    measurement: 'api_calls',
    tags: { service: 'search', provider: 'stripe', endpoint: '/v1/customers/{id}', method: 'GET' },
    ratePerSecond: 0.5,
    medianMs: 95,
    errorRatio: 0.002,
  },
  {
    measurement: 'inbound',
    tags: { service: 'checkout', endpoint: '/cart/checkout', method: 'POST' },
    ratePerSecond: 14,
    medianMs: 320,
    errorRatio: 0.005,
    incidents: [{ fromAgoMs: 9 * MIN, toAgoMs: 0, latencyFactor: 3 }],
  },
  {
    measurement: 'inbound',
    tags: { service: 'search', endpoint: '/search', method: 'GET' },
    ratePerSecond: 22,
    medianMs: 110,
    errorRatio: 0.002,
  },
];

/** Rollup points every 10 s over `historyMs` before `nowMs`: a daily-ish swell, noise and incidents. */
export function seedRollups(nowMs: number, historyMs: number, seed = 7): RollupPoint[] {
  const random = rng(seed);
  const points: RollupPoint[] = [];
  const end = Math.floor(nowMs / INTERVAL_MS) * INTERVAL_MS;
  for (const spec of SERIES) {
    for (let t = end - historyMs; t < end; t += INTERVAL_MS) {
      const ago = nowMs - t;
      const incident = spec.incidents?.find((i) => ago <= i.fromAgoMs && ago > i.toAgoMs);
      // A slow swell (one cycle per 3 h) stands in for the daily shape over a short history.
      const swell = 1 + 0.35 * Math.sin((2 * Math.PI * t) / (3 * 3_600_000));
      const expected = spec.ratePerSecond * swell * (INTERVAL_MS / S);
      const count = Math.max(0, Math.round(expected * (0.85 + 0.3 * random())));
      const errorRatio = incident?.errorRatio ?? spec.errorRatio;
      let errors = 0;
      let durationSumMs = 0;
      let durationMaxMs = 0;
      const histogram: SparseHistogram = {};
      for (let i = 0; i < count; i++) {
        if (random() < errorRatio) errors++;
        // Log-normal latency around the median, heavier when the provider is degraded.
        const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
        const ms = spec.medianMs * (incident?.latencyFactor ?? 1) * Math.exp(0.35 * z);
        recordValue(histogram, ms);
        durationSumMs += ms;
        durationMaxMs = Math.max(durationMaxMs, ms);
      }
      points.push({
        measurement: spec.measurement,
        timeMs: t,
        tags: { ...spec.tags, collector: 'otlp:dashboard-test' },
        count,
        errors,
        durationSumMs,
        durationMaxMs,
        histogram,
      });
    }
  }
  return points;
}

/** An anomaly record as the detection stage writes it (series tags plus `signal`). */
export function anomalyRecord(
  timeMs: number,
  tags: Record<string, string>,
  body: Omit<AnomalyBody, 'measurement' | 'detector' | 'component'> & { measurement?: string },
): StoredRecord<'anomaly'> {
  return {
    kind: 'anomaly',
    id: `${timeMs}-${Object.values(tags).join('-')}-${body.signal}`,
    timeMs,
    tags: { ...tags, signal: body.signal },
    body: { measurement: 'api_calls', detector: 'novelty', component: 'quantile-band', ...body },
  };
}

/** The stripe latency incident: one anomaly a minute on /v1/charges since it started. */
export function stripeAnomalies(nowMs: number): StoredRecord<'anomaly'>[] {
  const out: StoredRecord<'anomaly'>[] = [];
  for (let ago = 8; ago >= 1; ago--) {
    const timeMs = Math.floor((nowMs - ago * MIN) / MIN) * MIN;
    const observed = 1_050 + (8 - ago) * 12;
    out.push(
      anomalyRecord(
        timeMs,
        { provider: 'stripe', endpoint: '/v1/charges' },
        {
          signal: 'latency_p95_ms',
          score: Math.min(0.99, 0.82 + (8 - ago) * 0.02),
          observed,
          expected: 320,
          lower: 250,
          upper: 410,
          explanation: `p95 latency ${observed} ms, expected 250–410 ms`,
        },
      ),
    );
  }
  return out;
}

function decision(
  timeMs: number,
  body: Omit<DecisionBody, 'targetKind' | 'suppressed'> & { suppressed?: DecisionBody['suppressed'] },
): StoredRecord<'decision'> {
  return {
    kind: 'decision',
    id: `${timeMs.toString(36).padStart(9, '0')}-seed-${body.target}-${body.control ?? 'op'}`,
    timeMs,
    tags: {
      ...body.subject,
      target: body.target,
      policy: body.policy,
      outcome: body.outcome,
      ...(body.control ? { control: body.control } : {}),
    },
    body: { targetKind: 'webhook', suppressed: [], ...body },
  };
}

/** Audit records of earlier decisions (the targets restore current/desired from them at start). */
export function seedDecisions(nowMs: number): StoredRecord<'decision'>[] {
  return [
    decision(nowMs - 52 * MIN, {
      target: 'search-router',
      policy: 'routing',
      subject: { provider: 'maps' },
      control: 'routing',
      mode: 'dry_run',
      outcome: 'dry_run',
      desired: { weights: { 'us-east-1': 90, 'eu-west-1': 10 }, down: [], backup: ['eu-west-1'] },
      reasons: ['us-east-1 healthy: p95 61 ms, 0.3% errors', 'dry_run: decided and recorded, not applied'],
    }),
    decision(nowMs - 21 * MIN, {
      target: 'checkout-scaler',
      policy: 'scaling',
      subject: { service: 'checkout' },
      control: 'replicas',
      mode: 'dry_run',
      outcome: 'dry_run',
      current: { replicas: 4 },
      desired: { replicas: 6 },
      reasons: [
        'forecast p90 19.8 req/s in 15 min exceeds 4 replicas × 4.5 req/s',
        'dry_run: decided and recorded, not applied',
      ],
      suppressed: [{ wanted: { replicas: 7 }, reason: 'scale-up limited to +2 replicas per 5 min' }],
    }),
    decision(nowMs - 6 * MIN, {
      target: 'edge-cache',
      policy: 'cache-ttl',
      subject: { provider: 'stripe', endpoint: '/v1/customers/{id}' },
      control: 'cache_ttl',
      mode: 'enforce',
      outcome: 'applied',
      current: { ttlSeconds: 30, staleOnError: false },
      desired: { ttlSeconds: 120, staleOnError: true },
      reasons: [
        'stripe p95 latency anomalous (score 0.86)',
        'applied (was {"staleOnError":false,"ttlSeconds":30})',
      ],
    }),
  ];
}

export interface DashboardFixture {
  app: App;
  dataDir: string;
  /** The daemon's OTLP/HTTP receiver, e.g. http://127.0.0.1:4318. */
  otlpUrl: string;
  url: string;
  clock: FakeClock;
  services: Services;
  store: Store;
  receiver: WebhookReceiver;
  stop(): Promise<void>;
}

/**
 * The real daemon (every module of the registry, EmbeddedStore behind its spool in a temp data
 * dir, the API on a free port, a fake clock) with two hours of telemetry, earlier decisions, the
 * stripe anomalies and the incident the alerts engine opens from them, and three webhook targets
 * (one enforcing, against a local receiver that checks signatures). With `seed: false`, the same
 * daemon and targets with nothing stored: a fresh install.
 */
export async function startDashboardFixture(
  options: { nowMs?: number; readToken?: string; seed?: boolean } = {},
): Promise<DashboardFixture> {
  const nowMs = options.nowMs ?? Date.UTC(2026, 0, 5, 14, 30, 0);
  const seed = options.seed ?? true;
  const clock = new FakeClock(nowMs);
  const dataDir = mkdtempSync(join(tmpdir(), 'headroom-dashboard-'));
  const receiver = await WebhookReceiver.start(WEBHOOK_SECRET, () => clock.now() / 1000);
  const webhook = (id: string, mode: 'dry_run' | 'enforce', controls: ControlKind[]) => ({
    kind: 'webhook',
    id,
    mode,
    url: receiver.url,
    secret: WEBHOOK_SECRET,
    controls,
  });
  const otlpPort = await freePort();
  const config = configSchema.parse({
    instance: 'dashboard-test',
    dataDir,
    log: { level: process.env.HEADROOM_TEST_LOG ?? 'silent', format: 'json' },
    api: { port: await freePort(), ...(options.readToken ? { readToken: options.readToken } : {}) },
    collectors: {
      otlp: { host: '127.0.0.1', port: otlpPort },
      rollup: { providers: { pagerduty: ['api.pagerduty.com'] } },
    },
    // The test drives the control loop itself (scheduler.runNow), so that what the page shows
    // does not depend on when a timer fired.
    control: { intervalSeconds: 3_600 },
    actuators: {
      targets: [
        webhook('checkout-scaler', 'dry_run', ['replicas']),
        webhook('edge-cache', 'enforce', ['cache_ttl', 'rate_limit']),
        webhook('search-router', 'dry_run', ['routing']),
      ],
    },
  });
  const logger = pino({ level: config.log.level });
  let services: Services | undefined;
  let seeded: Store | undefined;
  let scheduler: Scheduler | undefined;
  const app = new App({
    config,
    logger,
    clock,
    createStore: ({ config: c, dataDir: d, logger: l, clock: k }) =>
      (seeded = createStore(c.store, { dataDir: d, logger: l, clock: k })),
    modules: [
      {
        // Seeds the store before any other module reads it (forecasting loads the last hour of
        // forecasts, targets restore their state from the audit log).
        name: 'dashboard-fixture-seed',
        create: async (ctx) => {
          if (seed) {
            await ctx.store.write(seedRollups(nowMs, 2 * 3_600_000));
            await ctx.store.putRecords(seedDecisions(nowMs));
          }
          return { name: 'dashboard-fixture-seed', components: [] };
        },
      },
      ...MODULES,
      {
        name: 'dashboard-fixture-services',
        create: (ctx) => {
          services = ctx.services;
          scheduler = ctx.scheduler;
          return { name: 'dashboard-fixture-services', components: [] };
        },
      },
    ],
  });
  await app.start();
  const store = seeded!;
  const all = services!;
  // One pass of the control loop: detection starts tracking every watched series (two hours of
  // history is far from its six-hour warm-up, so all of them say they are still learning).
  await scheduler!.runNow('control-loop');
  // What detection would have flagged once warmed up: the stripe latency spike, stored and handed
  // to the alerts engine as the control loop does, which opens the incident and writes its summary.
  if (seed) {
    const anomalies = stripeAnomalies(nowMs);
    await store.putRecords(anomalies);
    await all.alerts!.ingest({ anomalies });
    await all.alerts!.createSilence({
      matchers: { provider: 'maps' },
      startsMs: nowMs - 10 * MIN,
      endsMs: nowMs + 50 * MIN,
      createdBy: 'oncall',
      comment: 'maps region failover drill',
    });
  }
  await scheduler!.runNow('forecast');
  return {
    app,
    dataDir,
    otlpUrl: `http://127.0.0.1:${otlpPort}`,
    url: app.apiUrl()!,
    clock,
    services: all,
    store,
    receiver,
    stop: async () => {
      await app.stop();
      await receiver.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Real traffic through the OpenTelemetry SDK: `count` CLIENT spans from service `checkout` to
 * api.pagerduty.com (a provider nothing else writes), ending in [fromMs, toMs), exported as
 * OTLP/protobuf to the daemon's receiver. Resolves once the receiver accepted them.
 */
export async function exportPagerDutyCalls(
  otlpUrl: string,
  range: { fromMs: number; toMs: number },
  count = 40,
): Promise<void> {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpUrl}/v1/traces` }), {
        scheduledDelayMillis: 60_000,
      }),
    ],
  });
  const tracer = provider.getTracer('dashboard-test');
  const random = rng(11);
  for (let i = 0; i < count; i++) {
    const endMs = range.fromMs + ((range.toMs - range.fromMs) * (i + 0.5)) / count;
    const status = i % 10 === 0 ? 503 : 202;
    const span = tracer.startSpan('POST', {
      kind: SpanKind.CLIENT,
      startTime: endMs - (120 + 80 * random()),
      attributes: {
        'http.request.method': 'POST',
        'server.address': 'api.pagerduty.com',
        'url.template': '/v2/enqueue',
        'http.response.status_code': status,
      },
    });
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: 'HTTP 503' });
    span.end(endMs);
  }
  await provider.forceFlush();
  await provider.shutdown();
}
