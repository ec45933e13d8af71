import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';

/**
 * Self-instrumentation goes through @opentelemetry/api; the daemon installs the SDK (Prometheus
 * /metrics, optional OTLP trace export) before it builds components.
 *
 * The metrics API has no proxy: a Meter obtained before the SDK is installed stays a no-op. So
 * create instruments in constructors or start(), never at module top level.
 */
export function getMeter(): Meter {
  return metrics.getMeter('headroom');
}

export function getTracer(): Tracer {
  return trace.getTracer('headroom');
}
