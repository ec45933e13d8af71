import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bucketIndex, bucketUpperMs, bucketValueMs } from '../../core/histogram.js';
import type { SignalSeries } from '../../core/signal-query.js';
import { storeConfigSchema } from '../../storage/config.js';
import { createStore } from '../../storage/create-store.js';
import { OtlpHarness, T0 } from '../testing/otlp-harness.js';
import { testLogger } from '../testing/test-logger.js';

type Encoding = 'json' | 'protobuf';
type Semconv = 'current' | 'old';

interface Call {
  durationMs: number;
  status: number;
  endMs: number;
}

/** 200 calls to Stripe over three intervals: known durations, 5xx / 429 / 404 mixed in. */
function stripeCalls(): Call[] {
  return Array.from({ length: 200 }, (_, i) => ({
    durationMs: 3 + ((i * 37) % 200) * 1.5,
    status: i % 25 === 0 ? 503 : i % 40 === 1 ? 429 : i % 10 === 3 ? 404 : 200,
    endMs: T0 + 1_000 + ((i * 149) % 29_000),
  }));
}

function clientAttributes(semconv: Semconv, call: Call, id: number): Attributes {
  const url = `https://api.stripe.com/v1/charges/ch_${1000 + id}?expand=customer`;
  return semconv === 'current'
    ? {
        'http.request.method': 'POST',
        'server.address': 'api.stripe.com',
        'server.port': 443,
        'url.full': url,
        'url.template': '/v1/charges/{charge}',
        'http.response.status_code': call.status,
      }
    : {
        'http.method': 'POST',
        'net.peer.name': 'api.stripe.com',
        'http.url': url,
        'http.status_code': call.status,
      };
}

/** Nearest-rank quantile of raw values, as the log-bucket representative the store reports. */
function expectedQuantileMs(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return bucketValueMs(bucketIndex(sorted[Math.ceil(q * sorted.length) - 1]!));
}

function onlySeries(body: { series: SignalSeries[] }): SignalSeries {
  expect(body.series).toHaveLength(1);
  return body.series[0]!;
}

describe('OpenTelemetry SDK → OTLP receiver → rollup → embedded store and /api/v1/signals', () => {
  let harness: OtlpHarness;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'headroom-otlp-sdk-'));
    harness = new OtlpHarness({
      rollup: { providers: { stripe: ['api.stripe.com', '*.stripe.com'] } },
      // What the daemon runs without InfluxDB: SQLite behind the durable spool.
      store: (clock) => createStore(storeConfigSchema.parse({}), { dataDir, logger: testLogger(), clock }),
    });
    await harness.start();
  });
  afterEach(async () => {
    await harness.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cases: [Encoding, Semconv][] = [
    ['json', 'current'],
    ['protobuf', 'current'],
    ['json', 'old'],
    ['protobuf', 'old'],
  ];

  it.each(cases)('traces over %s with %s semantic conventions', async (encoding, semconv) => {
    const url = `${harness.otlpUrl}/v1/traces`;
    const exporter = encoding === 'json' ? new JsonTraceExporter({ url }) : new ProtoTraceExporter({ url });
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout', 'cloud.region': 'eu-west-1' }),
      spanProcessors: [
        new BatchSpanProcessor(exporter, { maxExportBatchSize: 64, scheduledDelayMillis: 60_000 }),
      ],
    });
    const tracer = provider.getTracer('test');
    const calls = stripeCalls();
    calls.forEach((call, i) => {
      const span = tracer.startSpan('POST', {
        kind: SpanKind.CLIENT,
        startTime: call.endMs - call.durationMs,
        attributes: clientAttributes(semconv, call, i),
      });
      if (call.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${call.status}` });
      span.end(call.endMs);
    });
    // Inbound load: 10 SERVER spans, one of them a 500.
    for (let i = 0; i < 10; i++) {
      const span = tracer.startSpan('GET /cart/:id', {
        kind: SpanKind.SERVER,
        startTime: T0 + 2_000,
        attributes:
          semconv === 'current'
            ? {
                'http.request.method': 'GET',
                'http.route': '/cart/:id',
                'http.response.status_code': i === 0 ? 500 : 200,
              }
            : { 'http.method': 'GET', 'http.route': '/cart/:id', 'http.status_code': i === 0 ? 500 : 200 },
      });
      span.end(T0 + 2_000 + 10 + i);
    }
    // An INTERNAL span is accepted and ignored.
    tracer.startSpan('compute', { startTime: T0 + 1_000 }).end(T0 + 1_001);
    await provider.forceFlush();
    await provider.shutdown();
    await harness.flushThrough(T0 + 30_000);

    const store = harness.store;
    const apiSeries = await store.listSeries({ measurement: 'api_calls' });
    expect(apiSeries.length).toBeGreaterThan(0);
    for (const { tags } of apiSeries) {
      expect(tags).toMatchObject({
        service: 'checkout',
        provider: 'stripe',
        method: 'POST',
        region: 'eu-west-1',
        collector: 'otlp:test-1',
      });
      // Without url.template the old-convention spans fall back to the normalised path.
      expect(tags.endpoint).toBe(semconv === 'current' ? '/v1/charges/{charge}' : '/v1/charges/{id}');
    }
    const window = { from: T0, to: T0 + 30_000, stepMs: 10_000 };
    const byStatus = await store.queryRollups({
      measurement: 'api_calls',
      ...window,
      groupBy: ['status_class'],
    });
    const steps = new Set(byStatus.flatMap((g) => g.points.map((p) => p.timeMs)));
    expect(steps).toEqual(new Set([T0, T0 + 10_000, T0 + 20_000]));
    const byClass = (cls: string) =>
      byStatus
        .filter((g) => g.tags.status_class === cls)
        .reduce((n, g) => n + g.points.reduce((m, p) => m + p.count, 0), 0);
    expect(byClass('5xx')).toBe(calls.filter((c) => c.status === 503).length);
    expect(byClass('429')).toBe(calls.filter((c) => c.status === 429).length);
    expect(byClass('4xx')).toBe(calls.filter((c) => c.status === 404).length);
    expect(byClass('2xx')).toBe(calls.filter((c) => c.status === 200).length);
    const inbound = await store.queryRollups({ measurement: 'inbound', ...window });
    expect(inbound.flatMap((g) => g.points).reduce((n, p) => n + p.count, 0)).toBe(10);
    expect(inbound.flatMap((g) => g.points).reduce((n, p) => n + p.errors, 0)).toBe(1);
    const inboundSeries = await store.listSeries({ measurement: 'inbound' });
    for (const { tags } of inboundSeries) {
      expect(tags).toMatchObject({ service: 'checkout', endpoint: '/cart/:id', method: 'GET' });
      expect(tags.provider).toBeUndefined();
    }

    const range = `from=${T0}&to=${T0 + 60_000}&step=1m&provider=stripe`;
    const errors = calls.filter((c) => c.status >= 500 || c.status === 429).length;
    const count = onlySeries(
      (await harness.get<{ series: SignalSeries[] }>(`/signals?signal=count&${range}`)).body,
    );
    expect(count.points).toEqual([{ t: T0, value: calls.length }]);
    const ratio = onlySeries(
      (await harness.get<{ series: SignalSeries[] }>(`/signals?signal=error_ratio&${range}`)).body,
    );
    expect(ratio.points).toEqual([{ t: T0, value: errors / calls.length }]);
    const durations = calls.map((c) => c.durationMs);
    for (const [signal, q] of [
      ['latency_p50_ms', 0.5],
      ['latency_p95_ms', 0.95],
      ['latency_p99_ms', 0.99],
    ] as const) {
      const series = onlySeries(
        (await harness.get<{ series: SignalSeries[] }>(`/signals?signal=${signal}&${range}`)).body,
      );
      expect(series.points).toEqual([{ t: T0, value: expectedQuantileMs(durations, q) }]);
    }
    const mean = onlySeries(
      (await harness.get<{ series: SignalSeries[] }>(`/signals?signal=latency_mean_ms&${range}`)).body,
    );
    expect(mean.points[0]!.value).toBeCloseTo(durations.reduce((a, b) => a + b, 0) / durations.length, 6);
    const max = onlySeries(
      (await harness.get<{ series: SignalSeries[] }>(`/signals?signal=latency_max_ms&${range}`)).body,
    );
    expect(max.points[0]!.value).toBeCloseTo(Math.max(...durations), 6);
    const rate = onlySeries(
      (await harness.get<{ series: SignalSeries[] }>(`/signals?signal=request_rate&${range}`)).body,
    );
    expect(rate.points).toEqual([{ t: T0, value: calls.length / 60 }]);

    const grouped = await harness.get<{ series: SignalSeries[] }>(
      `/signals?signal=count&from=${T0}&to=${T0 + 30_000}&step=10s&groupBy=status_class&provider=stripe`,
    );
    expect(
      Object.fromEntries(
        grouped.body.series.map((s) => [s.tags.status_class, s.points.reduce((n, p) => n + p.value, 0)]),
      ),
    ).toEqual({
      '2xx': byClass('2xx'),
      '4xx': byClass('4xx'),
      '429': byClass('429'),
      '5xx': byClass('5xx'),
    });
  });

  it('tags a call with the region of the called destination when the span names one', async () => {
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout', 'cloud.region': 'eu-west-1' }),
      spanProcessors: [
        new BatchSpanProcessor(new ProtoTraceExporter({ url: `${harness.otlpUrl}/v1/traces` }), {
          scheduledDelayMillis: 60_000,
        }),
      ],
    });
    const tracer = provider.getTracer('test');
    const cases: [SpanKind, Attributes][] = [
      // semconv cloud.region on a call: "the region where the called destination is deployed".
      [SpanKind.CLIENT, { 'server.address': 'us-east.api.stripe.com', 'cloud.region': 'us-east-1' }],
      [SpanKind.CLIENT, { 'server.address': 'api.stripe.com' }],
      // On a SERVER span it says nothing about a callee: the resource's region stays.
      [SpanKind.SERVER, { 'http.route': '/cart/:id', 'cloud.region': 'us-east-1' }],
    ];
    for (const [kind, attributes] of cases) {
      tracer
        .startSpan('GET', {
          kind,
          startTime: T0 + 1_000,
          attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200, ...attributes },
        })
        .end(T0 + 1_050);
    }
    await provider.forceFlush();
    await provider.shutdown();
    await harness.flushThrough(T0 + 30_000);
    const regions = async (measurement: 'api_calls' | 'inbound') =>
      (await harness.store.listSeries({ measurement })).map((s) => s.tags.region).sort();
    expect(await regions('api_calls')).toEqual(['eu-west-1', 'us-east-1']);
    expect(await regions('inbound')).toEqual(['eu-west-1']);
  });

  const metricCases: [Encoding, 'delta' | 'cumulative'][] = [
    ['json', 'delta'],
    ['protobuf', 'delta'],
    ['json', 'cumulative'],
    ['protobuf', 'cumulative'],
  ];

  it.each(metricCases)(
    'http.client.request.duration histograms over %s with %s temporality',
    async (encoding, temporality) => {
      const url = `${harness.otlpUrl}/v1/metrics`;
      const temporalityPreference =
        temporality === 'delta'
          ? AggregationTemporalityPreference.DELTA
          : AggregationTemporalityPreference.CUMULATIVE;
      const exporter =
        encoding === 'json'
          ? new JsonMetricExporter({ url, temporalityPreference })
          : new ProtoMetricExporter({ url, temporalityPreference });
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
      // Explicit bounds on log-bucket boundaries (in seconds), so the rollup's quantiles are exact.
      const boundsSeconds = Array.from({ length: 60 }, (_, k) => bucketUpperMs(100 + k * 2) / 1000);
      const meterProvider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': 'checkout' }),
        readers: [reader],
        views: [
          {
            instrumentName: 'http.client.request.duration',
            aggregation: {
              type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
              options: { boundaries: boundsSeconds },
            },
          },
        ],
      });
      const histogram = meterProvider
        .getMeter('test')
        .createHistogram('http.client.request.duration', { unit: 's' });
      const calls = stripeCalls();
      for (const call of calls) {
        histogram.record(call.durationMs / 1000, {
          'http.request.method': 'POST',
          'server.address': 'api.stripe.com',
          'url.template': '/v1/charges',
          'http.response.status_code': call.status,
        });
      }
      harness.clock.set(Date.now());
      await meterProvider.forceFlush();
      if (temporality === 'cumulative') {
        // A second export of the same cumulative stream must add only what is new.
        histogram.record(0.05, {
          'http.request.method': 'POST',
          'server.address': 'api.stripe.com',
          'url.template': '/v1/charges',
          'http.response.status_code': 200,
        });
        await meterProvider.forceFlush();
      }
      await meterProvider.shutdown();
      const now = harness.clock.now();
      await harness.flushThrough(now);

      const extra = temporality === 'cumulative' ? [50] : [];
      const durations = [...calls.map((c) => c.durationMs), ...extra];
      const range = `from=${now - 3_600_000}&to=${now + 60_000}&step=1h&provider=stripe`;
      const count = (await harness.get<{ series: SignalSeries[] }>(`/signals?signal=count&${range}`)).body;
      expect(count.series[0]!.points.reduce((n, p) => n + p.value, 0)).toBe(durations.length);
      const errors = calls.filter((c) => c.status >= 500 || c.status === 429).length;
      const ratio = onlySeries(
        (await harness.get<{ series: SignalSeries[] }>(`/signals?signal=error_ratio&${range}`)).body,
      );
      expect(ratio.points[0]!.value).toBeCloseTo(errors / durations.length, 12);
      const p95 = onlySeries(
        (await harness.get<{ series: SignalSeries[] }>(`/signals?signal=latency_p95_ms&${range}`)).body,
      );
      expect(p95.points[0]!.value).toBe(expectedQuantileMs(durations, 0.95));
      const mean = onlySeries(
        (await harness.get<{ series: SignalSeries[] }>(`/signals?signal=latency_mean_ms&${range}`)).body,
      );
      expect(mean.points[0]!.value).toBeCloseTo(durations.reduce((a, b) => a + b, 0) / durations.length, 6);
    },
  );
});
