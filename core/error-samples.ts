import type { Tags } from './tags.js';

/**
 * An error text seen in telemetry (a span's status message or an `exception.message` event),
 * with the series it belongs to. Collectors publish samples; the alerts module mines them into
 * templates ("62% of errors: card_declined for customer <*>").
 */
export interface ErrorSample {
  readonly timeMs: number;
  /** provider / service / endpoint tags of the call that failed. */
  readonly tags: Tags;
  /** The text, truncated by the collector to a bounded length. */
  readonly message: string;
}

/**
 * Receives error samples. `publish` must be cheap and never throw or block: implementations
 * sample or drop under load and count what they dropped.
 */
export interface ErrorSampleSink {
  publish(sample: ErrorSample): void;
}
