/**
 * Regenerates the golden payloads in this folder from the real OpenTelemetry JS SDK exporters
 * (0.223.0): `npx tsx collectors/otlp/testdata/capture.ts`. Span times are fixed; metric points
 * carry the capture time, which is written to capture.json.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { AggregationTemporalityPreference, OTLPMetricExporter as JsonMetrics } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetrics } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraces } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraces } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const DIR = import.meta.dirname;
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
let captured: Buffer | undefined;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    captured = Buffer.concat(chunks);
    res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/json' }).end(req.headers['content-type']?.includes('json') ? '{}' : '');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

type Conv = 'current' | 'old';
const calls = [
  { ms: 120, status: 200, path: '/v1/charges/ch_3MtwBwLkdIwHu7ix28a3tqPa', template: '/v1/charges/{charge}', host: 'api.stripe.com' },
  { ms: 80, status: 200, path: '/v1/customers/cus_NffrFeUfNV2Hib', template: '/v1/customers/{customer}', host: 'api.stripe.com' },
  { ms: 950, status: 503, path: '/v1/charges/ch_3MtwBwLkdIwHu7ix28a3tqPb', template: '/v1/charges/{charge}', host: 'api.stripe.com' },
  { ms: 40, status: 429, path: '/2010-04-01/Accounts/AC123/Messages.json', template: '/2010-04-01/Accounts/{sid}/Messages.json', host: 'api.twilio.com' },
  { ms: 35, status: 404, path: '/v3/mail/send', template: '/v3/mail/send', host: 'api.sendgrid.com' },
];

function attributes(conv: Conv, c: (typeof calls)[number]): Attributes {
  const url = `https://${c.host}${c.path}?expand[]=customer`;
  return conv === 'current'
    ? { 'http.request.method': 'POST', 'server.address': c.host, 'server.port': 443, 'url.full': url, 'url.template': c.template, 'http.response.status_code': c.status, ...(c.status >= 500 ? { 'error.type': String(c.status) } : {}) }
    : { 'http.method': 'POST', 'net.peer.name': c.host, 'net.peer.port': 443, 'http.url': url, 'http.status_code': c.status, 'http.flavor': '1.1' };
}

async function traces(conv: Conv, encoding: 'json' | 'pb'): Promise<void> {
  const url = `${base}/v1/traces`;
  const exporter = encoding === 'json' ? new JsonTraces({ url }) : new ProtoTraces({ url });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'cloud.region': 'eu-west-1', 'service.version': '1.4.2' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 512, scheduledDelayMillis: 60_000 })],
  });
  const tracer = provider.getTracer('golden');
  const parent = tracer.startSpan(conv === 'current' ? 'POST /checkout' : 'POST', {
    kind: SpanKind.SERVER,
    startTime: T0 + 1_000,
    attributes: conv === 'current'
      ? { 'http.request.method': 'POST', 'http.route': '/checkout', 'url.path': '/checkout', 'http.response.status_code': 200 }
      : { 'http.method': 'POST', 'http.route': '/checkout', 'http.target': '/checkout?cart=42', 'http.status_code': 200 },
  });
  calls.forEach((c, i) => {
    const span = tracer.startSpan(conv === 'current' ? `POST ${c.template}` : 'HTTP POST', { kind: SpanKind.CLIENT, startTime: T0 + 1_100 + i * 1_000, attributes: attributes(conv, c) });
    if (c.status >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: c.status === 503 ? 'upstream connect error or disconnect/reset before headers' : `HTTP ${c.status}` });
    if (c.status === 503) span.recordException({ name: 'HttpError', message: 'Service Unavailable: card processor timeout' }, T0 + 1_100 + i * 1_000 + c.ms);
    span.end(T0 + 1_100 + i * 1_000 + c.ms);
  });
  parent.end(T0 + 7_000);
  tracer.startSpan('render', { startTime: T0 + 1_050 }).end(T0 + 1_060);
  captured = undefined;
  await provider.shutdown();
  writeFileSync(join(DIR, `traces-${conv}.${encoding}`), captured!);
}

async function metrics(conv: Conv, encoding: 'json' | 'pb'): Promise<void> {
  const url = `${base}/v1/metrics`;
  const temporalityPreference = AggregationTemporalityPreference.DELTA;
  const exporter = encoding === 'json' ? new JsonMetrics({ url, temporalityPreference }) : new ProtoMetrics({ url, temporalityPreference });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'checkout', 'cloud.region': 'eu-west-1' }), readers: [reader] });
  const meter = provider.getMeter('golden');
  const name = conv === 'current' ? 'http.client.request.duration' : 'http.client.duration';
  const unitMs = conv === 'current' ? 0.001 : 1;
  // The bucket boundaries the HTTP semantic conventions advise for each unit.
  const h = meter.createHistogram(name, {
    unit: conv === 'current' ? 's' : 'ms',
    ...(conv === 'current'
      ? { advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] } }
      : {}),
  });
  meter.createCounter('orders.placed').add(3);
  for (const c of calls) {
    for (let k = 0; k < 4; k++) {
      h.record((c.ms + k * 10) * unitMs, conv === 'current'
        ? { 'http.request.method': 'POST', 'server.address': c.host, 'url.template': c.template, 'http.response.status_code': c.status }
        : { 'http.method': 'POST', 'net.peer.name': c.host, 'http.status_code': c.status });
    }
  }
  captured = undefined;
  await provider.forceFlush();
  await provider.shutdown();
  writeFileSync(join(DIR, `metrics-${conv}.${encoding}`), captured!);
}

for (const conv of ['current', 'old'] as const) {
  for (const encoding of ['json', 'pb'] as const) {
    await traces(conv, encoding);
    await metrics(conv, encoding);
  }
}
writeFileSync(join(DIR, 'capture.json'), JSON.stringify({ capturedAtMs: Date.now(), sdk: '@opentelemetry/sdk-*-2.12.0, exporters 0.223.0' }) + '\n');
server.close();
