import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { seededRandom } from '../../models/forecasters/seeded-random.js';
import { poisson } from './backfill.js';
import { FakeProvider } from './fake-provider.js';
import { PROVIDERS, SERVICES, type ProviderName, type Scenario, type ServiceSpec } from './scenario.js';

const TICK_MS = 100;

/**
 * The simulated fleet: the fake provider regions (local HTTP servers) and the two services,
 * each with its own OpenTelemetry SDK tracer provider exporting OTLP/protobuf to Headroom. Every
 * inbound request is a SERVER span; each call to a provider is a real HTTP request wrapped in a
 * CLIENT span with the semantic-convention attributes Headroom's collector maps
 * (`server.address`, `url.template`, `http.request.method`, `http.response.status_code`,
 * `cloud.region` of the called region, `error.type` on failures).
 */
export class Fleet {
  private readonly providers = new Map<string, FakeProvider>();
  private readonly tracers = new Map<string, { provider: BasicTracerProvider; tracer: Tracer }>();
  /** Until exporting starts, spans go to a provider without processors (dropped). */
  private readonly silent = new BasicTracerProvider();
  private readonly inflight = new Set<Promise<void>>();
  private readonly random = seededRandom(11);
  private timer: NodeJS.Timeout | undefined;
  /** Requests sent and failed calls, for the narration. */
  readonly counts = { requests: 0, calls: 0, failedCalls: 0 };

  private constructor(private scenario: Scenario) {}

  /** The final timeline (its incident anchored where the demo really started). */
  setScenario(scenario: Scenario): void {
    this.scenario = scenario;
  }

  /**
   * Starts the providers and the load without exporting yet (connections and JIT warm up while
   * the daemon starts); `startExporting` then connects the SDKs to Headroom.
   */
  static async start(scenario: Scenario): Promise<Fleet> {
    const fleet = new Fleet(scenario);
    try {
      await fleet.startProviders();
    } catch (err) {
      await fleet.stop();
      throw err;
    }
    fleet.timer = setInterval(() => fleet.tick(), TICK_MS);
    return fleet;
  }

  private async startProviders(): Promise<void> {
    for (const [name, spec] of Object.entries(PROVIDERS) as [
      ProviderName,
      (typeof PROVIDERS)[ProviderName],
    ][]) {
      for (const region of spec.regions) {
        const provider = await FakeProvider.start({
          name: `${name}/${region.name}`,
          medianMs: region.medianMs,
          degradation: () => this.scenario.degradation(name, region.name, Date.now()),
        });
        this.providers.set(`${name}/${region.name}`, provider);
      }
    }
  }

  /** From now on every span is exported over OTLP/protobuf to `otlpTracesUrl`. */
  startExporting(otlpTracesUrl: string): void {
    for (const service of SERVICES) {
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({
          'service.name': service.name,
          'deployment.environment.name': 'demo',
        }),
        spanProcessors: [
          new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl }), {
            scheduledDelayMillis: 500,
            maxExportBatchSize: 1_000,
            maxQueueSize: 20_000,
          }),
        ],
      });
      this.tracers.set(service.name, { provider, tracer: provider.getTracer('headroom-demo-fleet') });
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const service of SERVICES) {
      const n = poisson(this.random, this.scenario.ratePerSecond(service, now) * (TICK_MS / 1000));
      for (let i = 0; i < n; i++) {
        const p: Promise<void> = this.handle(service)
          .catch(() => undefined)
          .finally(() => this.inflight.delete(p));
        this.inflight.add(p);
      }
    }
  }

  /** One inbound request of `service`: its own work plus its calls to providers, in sequence. */
  private async handle(service: ServiceSpec): Promise<void> {
    const tracer = this.tracers.get(service.name)?.tracer ?? this.silent.getTracer('calibration');
    this.counts.requests++;
    const span = tracer.startSpan(`${service.method} ${service.route}`, {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': service.method,
        'http.route': service.route,
        'url.scheme': 'http',
      },
    });
    let status = 200;
    await sleep(service.selfMs);
    for (const call of service.calls) {
      const times = Math.floor(call.perRequest) + (this.random() < call.perRequest % 1 ? 1 : 0);
      for (let i = 0; i < times; i++) {
        const ok = await this.call(tracer, span, call.provider, call.method, call.template, call.path);
        if (!ok && call.method === 'POST') status = 502;
      }
    }
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }

  private async call(
    tracer: Tracer,
    parent: Span,
    providerName: ProviderName,
    method: string,
    template: string,
    path: string,
  ): Promise<boolean> {
    const spec = PROVIDERS[providerName];
    const region = pickRegion(spec.regions, this.random());
    const target = this.providers.get(`${providerName}/${region}`)!;
    this.counts.calls++;
    const span = tracer.startSpan(
      `${method} ${template}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'server.address': spec.host,
          'server.port': 443,
          'url.template': template,
          'http.request.method': method,
          'cloud.region': region,
        },
      },
      trace.setSpan(ROOT_CONTEXT, parent),
    );
    try {
      const res = await fetch(`${target.url}${path}`, {
        method,
        ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      span.setAttribute('http.response.status_code', res.status);
      if (res.status >= 500) {
        span.setAttribute('error.type', String(res.status));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: `${spec.host} answered ${res.status} upstream_unavailable`,
        });
        this.counts.failedCalls++;
        return false;
      }
      return true;
    } catch (err) {
      span.setAttribute('error.type', (err as Error).name || 'Error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      this.counts.failedCalls++;
      return false;
    } finally {
      span.end();
    }
  }

  /** Stops sending, waits for requests in flight, flushes and shuts down the exporters. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inflight]);
    for (const { provider } of this.tracers.values()) await provider.shutdown().catch(() => undefined);
    this.tracers.clear();
    for (const provider of this.providers.values()) await provider.stop();
    this.providers.clear();
  }
}

function pickRegion(regions: readonly { name: string; share: number }[], u: number): string {
  let acc = 0;
  for (const r of regions) {
    acc += r.share;
    if (u < acc) return r.name;
  }
  return regions[regions.length - 1]!.name;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
