import type { ErrorSample, ErrorSampleSink } from '../core/error-samples.js';

/**
 * Fan-out point for error samples: collectors publish to the hub from the start; consumers
 * (the alerts module, built later) subscribe when they are ready. Without subscribers,
 * samples are dropped. A throwing subscriber never reaches the collector.
 */
export class ErrorSampleHub implements ErrorSampleSink {
  private sinks: readonly ErrorSampleSink[] = [];

  subscribe(sink: ErrorSampleSink): () => void {
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  publish(sample: ErrorSample): void {
    for (const sink of this.sinks) {
      try {
        sink.publish(sample);
      } catch {
        // ErrorSampleSink.publish must not throw; one that does is ignored.
      }
    }
  }
}
