import { metrics, SpanStatusCode, trace, type Meter, type Span, type Tracer } from '@opentelemetry/api';

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

/** Runs `fn` inside an active span named `name`; records a thrown error on it and rethrows. */
export async function inSpan<T>(name: string, fn: (span: Span) => Promise<T>): Promise<T> {
  return getTracer().startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: err instanceof Error ? err.message : String(err),
      });
      throw err;
    } finally {
      span.end();
    }
  });
}
