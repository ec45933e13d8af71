import { errorMessage, isRetryable } from './errors.js';
import type { Logger } from './logger.js';

/**
 * A start-up read from the store that must not stop the daemon from starting during a store
 * outage (writes spool meanwhile): tried at start, and before each use until it has succeeded.
 */
export class DeferredLoad {
  private pending = true;

  /** `later` says what happens meanwhile, for the warning (e.g. "policies hold until it loads"). */
  constructor(
    private readonly load: () => Promise<void>,
    private readonly log: Logger,
    private readonly later: string,
  ) {}

  /** Loads now; on a retryable error (store unreachable) warns and defers; rethrows any other. */
  async start(): Promise<void> {
    try {
      await this.ensure();
    } catch (err) {
      if (!isRetryable(err)) throw err;
      this.log.warn({ err: errorMessage(err) }, `store unavailable: ${this.later}`);
    }
  }

  /** Loads if it has not succeeded yet; throws (the caller's run fails) while the store is down. */
  async ensure(): Promise<void> {
    if (!this.pending) return;
    await this.load();
    this.pending = false;
  }
}
