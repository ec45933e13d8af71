import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { OtlpHarness } from '../../collectors/testing/otlp-harness.js';

/** Provider names by host, as the daemon's `collectors.rollup.providers` would map them. */
export const DEMO_PROVIDERS: Readonly<Record<string, string[]>> = {
  stripe: ['api.stripe.com'],
  geo: ['api.geo.example'],
  mail: ['api.mail.example'],
};

interface CallSpec {
  service: string;
  host: string;
  method: string;
  template: string;
  ratePerSecond: number;
  medianMs: number;
  errorRate: number;
}

/** Two services calling three providers, as the demo fleet does (issue 8). */
const CALLS: readonly CallSpec[] = [
  {
    service: 'checkout',
    host: 'api.stripe.com',
    method: 'POST',
    template: '/v1/charges',
    ratePerSecond: 1.2,
    medianMs: 180,
    errorRate: 0.01,
  },
  {
    service: 'checkout',
    host: 'api.stripe.com',
    method: 'POST',
    template: '/v1/refunds',
    ratePerSecond: 0.15,
    medianMs: 220,
    errorRate: 0.01,
  },
  {
    service: 'checkout',
    host: 'api.mail.example',
    method: 'POST',
    template: '/v3/mail/send',
    ratePerSecond: 0.3,
    medianMs: 90,
    errorRate: 0.005,
  },
  {
    service: 'search',
    host: 'api.geo.example',
    method: 'GET',
    template: '/v1/geocode',
    ratePerSecond: 1,
    medianMs: 45,
    errorRate: 0.002,
  },
  {
    service: 'search',
    host: 'api.geo.example',
    method: 'GET',
    template: '/v1/route/{id}',
    ratePerSecond: 0.4,
    medianMs: 120,
    errorRate: 0.002,
  },
];

/** Inbound requests each service serves (its SERVER spans). */
const SERVED = [
  { service: 'checkout', route: '/api/checkout', ratePerSecond: 1.4, medianMs: 420, errorRate: 0.01 },
  { service: 'search', route: '/api/search', ratePerSecond: 1.1, medianMs: 160, errorRate: 0.005 },
] as const;

const REGIONS: Readonly<Record<string, string>> = { checkout: 'eu-west-1', search: 'us-east-1' };

export interface DemoScenario {
  fromMs: number;
  toMs: number;
  /** Stripe is slow (×6) and failing (15%) in this window. */
  incident: { fromMs: number; toMs: number };
  /** Checkout's inbound load doubles from here on. */
  surgeFromMs: number;
  seed: number;
}

/** Deterministic PRNG (mulberry32), so every run sends the same calls. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Chunk of simulated time sent before the rollup is flushed: within the rollup's maxLateMs. */
const CHUNK_MS = 4 * 60_000;

/**
 * Sends the scenario's calls as real spans through the OpenTelemetry SDK (OTLP/protobuf) to the
 * harness's receiver, chunk by chunk with the harness clock following along, and flushes the
 * rollup so every interval is written to the harness's store. Returns the number of spans sent.
 */
export async function sendDemoTraffic(
  harness: OtlpHarness,
  scenario: DemoScenario,
  rollup: { graceMs: number },
): Promise<number> {
  const random = prng(scenario.seed);
  const normal = (): number => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const count = (perSecond: number, ms: number): number => {
    const mean = (perSecond * ms) / 1000;
    return Math.floor(mean + random());
  };
  // A compressed day: load swings ±40% over the window.
  const shape = (t: number): number =>
    1 + 0.4 * Math.sin((2 * Math.PI * (t - scenario.fromMs)) / (scenario.toMs - scenario.fromMs));
  const inIncident = (t: number): boolean => t >= scenario.incident.fromMs && t < scenario.incident.toMs;

  const providers = Object.keys(REGIONS).map((service) => {
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'cloud.region': REGIONS[service] ?? '' }),
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: `${harness.otlpUrl}/v1/traces` }), {
          maxQueueSize: 50_000,
          maxExportBatchSize: 2_000,
          scheduledDelayMillis: 60_000,
        }),
      ],
    });
    return { service, provider, tracer: provider.getTracer('headroom-grafana-demo') };
  });
  const tracerOf = (service: string): Tracer => {
    const found = providers.find((p) => p.service === service);
    if (!found) throw new Error(`no tracer for ${service}`);
    return found.tracer;
  };

  let sent = 0;
  const span = (
    tracer: Tracer,
    kind: SpanKind,
    name: string,
    endMs: number,
    durationMs: number,
    status: number,
    attributes: Record<string, string | number>,
  ): void => {
    const s = tracer.startSpan(name, {
      kind,
      startTime: endMs - durationMs,
      attributes: { ...attributes, 'http.response.status_code': status },
    });
    if (status >= 500) s.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
    s.end(endMs);
    sent++;
  };

  try {
    for (let chunk = scenario.fromMs; chunk < scenario.toMs; chunk += CHUNK_MS) {
      const chunkEnd = Math.min(chunk + CHUNK_MS, scenario.toMs);
      harness.clock.set(chunkEnd);
      for (let t = chunk; t < chunkEnd; t += 10_000) {
        for (const c of CALLS) {
          const slow = c.host === 'api.stripe.com' && inIncident(t);
          for (let n = count(c.ratePerSecond * shape(t), 10_000); n > 0; n--) {
            const durationMs = c.medianMs * (slow ? 6 : 1) * Math.exp(0.35 * normal());
            const failed = random() < (slow ? 0.15 : c.errorRate);
            span(
              tracerOf(c.service),
              SpanKind.CLIENT,
              c.method,
              t + random() * 10_000,
              durationMs,
              failed ? 503 : 200,
              {
                'http.request.method': c.method,
                'server.address': c.host,
                'url.full': `https://${c.host}${c.template.replace('{id}', String(Math.floor(random() * 1e6)))}`,
                'url.template': c.template,
              },
            );
          }
        }
        for (const s of SERVED) {
          const surge = s.service === 'checkout' && t >= scenario.surgeFromMs ? 2 : 1;
          for (let n = count(s.ratePerSecond * shape(t) * surge, 10_000); n > 0; n--) {
            const durationMs = s.medianMs * Math.exp(0.3 * normal());
            const failed = random() < s.errorRate;
            span(
              tracerOf(s.service),
              SpanKind.SERVER,
              `POST ${s.route}`,
              t + random() * 10_000,
              durationMs,
              failed ? 500 : 200,
              {
                'http.request.method': 'POST',
                'http.route': s.route,
              },
            );
          }
        }
      }
      await Promise.all(providers.map((p) => p.provider.forceFlush()));
      // Exactly the intervals before chunkEnd close: the next chunk's calls are not late.
      harness.clock.set(chunkEnd + rollup.graceMs);
      await harness.collector.rollup.flushDue();
    }
  } finally {
    await Promise.all(providers.map((p) => p.provider.shutdown()));
  }
  return sent;
}
