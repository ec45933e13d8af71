import { randomBytes } from 'node:crypto';
import { ExportTraceServiceRequest } from '../../collectors/otlp/proto.js';

export interface PayloadOptions {
  /** Spans per request. */
  spans: number;
  /** Distinct (service, provider, endpoint, method, status) combinations spread over the spans. */
  series: number;
  /** Epoch ms around which span end times lie. */
  nowMs: number;
  /** Seed offset, so successive payloads carry different series. */
  offset?: number;
}

function str(value: string) {
  return { stringValue: value };
}
function int(value: number) {
  return { intValue: value };
}

/**
 * An ExportTraceServiceRequest like an HTTP client instrumentation sends: CLIENT spans with the
 * current semantic-convention attributes (method, server.address/port, url.full, url.template,
 * status code, protocol version), ids, a resource with service.name and cloud.region, 5% 5xx.
 * Series are spread over 50 services, providers and endpoints so that `series` distinct tag
 * sets appear.
 */
export function tracePayload(options: PayloadOptions): Uint8Array {
  const perService = new Map<number, unknown[]>();
  for (let i = 0; i < options.spans; i++) {
    const s = ((options.offset ?? 0) + i) % options.series;
    const service = s % 50;
    const provider = Math.floor(s / 50) % 40;
    const endpoint = Math.floor(s / 2000);
    const error = i % 20 === 0;
    const endNs = BigInt(options.nowMs) * 1_000_000n - BigInt(i * 1_000);
    const durationNs = BigInt(1_000_000 + ((i * 7919) % 400) * 1_000_000);
    const host = `api.provider-${provider}.example.com`;
    const span = {
      traceId: randomBytes(16),
      spanId: randomBytes(8),
      parentSpanId: randomBytes(8),
      name: `POST /v1/resource-${endpoint}/{id}`,
      kind: 3,
      startTimeUnixNano: String(endNs - durationNs),
      endTimeUnixNano: String(endNs),
      attributes: [
        { key: 'http.request.method', value: str('POST') },
        { key: 'server.address', value: str(host) },
        { key: 'server.port', value: int(443) },
        { key: 'url.full', value: str(`https://${host}/v1/resource-${endpoint}/${100_000 + i}?expand=all`) },
        { key: 'url.template', value: str(`/v1/resource-${endpoint}/{id}`) },
        { key: 'http.response.status_code', value: int(error ? 503 : 200) },
        { key: 'network.protocol.version', value: str('1.1') },
      ],
      status: error ? { code: 2, message: 'Service Unavailable' } : { code: 0 },
    };
    let list = perService.get(service);
    if (!list) perService.set(service, (list = []));
    list.push(span);
  }
  const resourceSpans = [...perService].map(([service, spans]) => ({
    resource: {
      attributes: [
        { key: 'service.name', value: str(`service-${service}`) },
        { key: 'cloud.region', value: str('eu-west-1') },
        { key: 'telemetry.sdk.language', value: str('nodejs') },
      ],
    },
    scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-undici', version: '0.10.0' }, spans }],
  }));
  return ExportTraceServiceRequest.encode({ resourceSpans }).finish();
}
