import { metrics, trace } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HostMetrics } from '@opentelemetry/host-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import { redactUrl } from '../core/redact.js';
import type { HeadroomConfig } from './config/schema.js';
import { VERSION } from './version.js';

/**
 * Headroom's own telemetry: metrics through the OTel SDK exposed at /metrics in Prometheus
 * format (with host/process metrics), traces exported over OTLP/HTTP only when
 * `telemetry.otlpTracesUrl` is set. Installed once per process, before components are built
 * (the metrics API has no proxy; see core/telemetry.ts).
 */
export class SelfTelemetry {
  private readonly exporter: PrometheusExporter;
  private readonly meterProvider: MeterProvider;
  private readonly tracerProvider: NodeTracerProvider | undefined;
  private readonly hostMetrics: HostMetrics;

  constructor(config: HeadroomConfig['telemetry'], instance: string, logger: Logger) {
    const resource = resourceFromAttributes({
      'service.name': config.serviceName,
      'service.version': VERSION,
      'service.instance.id': instance,
    });
    // preventServerStart: /metrics is served by the API server, not a second port.
    this.exporter = new PrometheusExporter({ preventServerStart: true });
    this.meterProvider = new MeterProvider({ resource, readers: [this.exporter] });
    metrics.disable();
    metrics.setGlobalMeterProvider(this.meterProvider);
    this.hostMetrics = new HostMetrics({ meterProvider: this.meterProvider, name: 'headroom-host' });
    this.hostMetrics.start();
    if (config.otlpTracesUrl) {
      this.tracerProvider = new NodeTracerProvider({
        resource,
        spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlpTracesUrl }))],
      });
      trace.disable();
      this.tracerProvider.register();
      logger.info({ url: redactUrl(config.otlpTracesUrl) }, 'exporting own traces over OTLP');
    }
  }

  /** Express/node handler writing the Prometheus text exposition. */
  metricsHandler(req: IncomingMessage, res: ServerResponse): void {
    this.exporter.getMetricsRequestHandler(req, res);
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([this.meterProvider.shutdown(), this.tracerProvider?.shutdown()]);
    metrics.disable();
    if (this.tracerProvider) trace.disable();
  }
}
