import type { Clock } from '../core/clock.js';
import type { ErrorSampleSink } from '../core/error-samples.js';
import type { Tags } from '../core/tags.js';
import { getMeter } from '../core/telemetry.js';
import type { ErrorSamplesConfig } from './rollup-config.js';

/** A sink that drops everything (the default until the alerts module subscribes). */
export const noopErrorSampleSink: ErrorSampleSink = { publish: () => undefined };

/**
 * Publishes error texts (span status messages, `exception.message` events) to an
 * ErrorSampleSink, truncated and rate-limited with a token bucket so that an error storm costs
 * the receiver nothing; what the bucket refuses is counted (headroom_error_samples_dropped).
 */
export class ErrorSampler {
  private tokens: number;
  private refilledAtMs: number;
  private readonly dropped;

  constructor(
    private readonly config: ErrorSamplesConfig,
    private readonly sink: ErrorSampleSink,
    private readonly clock: Clock,
    private readonly collector: string,
  ) {
    this.tokens = config.burst;
    this.refilledAtMs = clock.now();
    this.dropped = getMeter().createCounter('headroom_error_samples_dropped', {
      description: 'Error texts not published because of the rate limit',
    });
  }

  /** Whether a sample would be taken now (callers skip building tags when not). */
  wants(nowMs: number): boolean {
    const elapsed = nowMs - this.refilledAtMs;
    if (elapsed > 0) {
      this.tokens = Math.min(this.config.burst, this.tokens + (elapsed / 1000) * this.config.maxPerSecond);
      this.refilledAtMs = nowMs;
    }
    if (this.tokens >= 1) return true;
    this.dropped.add(1, { collector: this.collector });
    return false;
  }

  /** Publishes one text (call after `wants` returned true). Never throws. */
  publish(timeMs: number, tags: Tags, message: string): void {
    this.tokens -= 1;
    const max = this.config.maxMessageLength;
    const text = message.length > max ? `${message.slice(0, max - 1)}…` : message;
    try {
      this.sink.publish({ timeMs, tags, message: text });
    } catch {
      // The contract says publish never throws; a faulty sink must not break ingestion.
    }
  }

  now(): number {
    return this.clock.now();
  }
}
