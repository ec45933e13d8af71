import { trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'checkout' }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: 'http://127.0.0.1:14318/v1/traces' }), { scheduledDelayMillis: 500 })],
});
const tracer = provider.getTracer('smoke');
const seconds = Number(process.argv[2] ?? 120);
const spikeAt = Number(process.argv[3] ?? 90);
const t0 = Date.now();
while (Date.now() - t0 < seconds * 1000) {
  const el = (Date.now() - t0) / 1000;
  for (let i = 0; i < 20; i++) {
    const start = Date.now();
    const lat = el > spikeAt ? 700 + Math.random() * 100 : 150 + Math.random() * 40;
    const span = tracer.startSpan('POST /v1/charges', { kind: SpanKind.CLIENT, startTime: start, attributes: { 'server.address': 'api.stripe.com', 'http.request.method': 'POST', 'url.template': '/v1/charges', 'http.response.status_code': el > spikeAt && i % 4 === 0 ? 503 : 200 } });
    if (el > spikeAt && i % 4 === 0) span.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timeout for customer cus_' + Math.floor(Math.random() * 1e6) });
    span.end(start + lat);
  }
  await new Promise((r) => setTimeout(r, 1000));
}
await provider.forceFlush();
await provider.shutdown();
