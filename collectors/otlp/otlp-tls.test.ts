import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from '../../test/helpers/self-signed-cert.js';
import { OtlpHarness, T0 } from '../testing/otlp-harness.js';

describe('OTLP receiver over TLS (collectors.otlp.tls)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-otlp-tls-'));
  const cert = selfSignedCert();
  let harness: OtlpHarness;

  beforeAll(async () => {
    writeFileSync(join(dir, 'cert.pem'), cert.certPem);
    writeFileSync(join(dir, 'key.pem'), cert.keyPem);
    harness = new OtlpHarness({
      otlp: { tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } },
      rollup: { providers: { stripe: ['api.stripe.com'] } },
    });
    await harness.start();
  });
  afterAll(async () => {
    await harness.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes spans from the OpenTelemetry SDK exporter over https, trusting the certificate as CA', async () => {
    expect(harness.otlpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const exporter = new OTLPTraceExporter({
      url: `${harness.otlpUrl}/v1/traces`,
      httpAgentOptions: { ca: cert.certPem },
    });
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })],
    });
    const tracer = provider.getTracer('tls-test');
    for (let i = 0; i < 25; i++) {
      tracer
        .startSpan('POST', {
          kind: SpanKind.CLIENT,
          startTime: T0 + 1_000 + i,
          attributes: {
            'http.request.method': 'POST',
            'server.address': 'api.stripe.com',
            'url.template': '/v1/charges',
            'http.response.status_code': 200,
          },
        })
        .end(T0 + 1_050 + i);
    }
    await provider.forceFlush();
    await provider.shutdown();
    await harness.flushThrough(T0 + 10_000);
    const groups = await harness.store.queryRollups({
      measurement: 'api_calls',
      from: T0,
      to: T0 + 10_000,
      stepMs: 10_000,
    });
    expect(groups.flatMap((g) => g.points).reduce((n, p) => n + p.count, 0)).toBe(25);
  });

  it('refuses plain http and clients that do not trust the certificate', async () => {
    await expect(
      fetch(`${harness.otlpUrl.replace('https', 'http')}/v1/traces`, { method: 'POST' }),
    ).rejects.toThrow();
    await expect(fetch(`${harness.otlpUrl}/v1/traces`, { method: 'POST' })).rejects.toThrow();
  });
});
