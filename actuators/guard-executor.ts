import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IsolatedCircuitError,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  decorrelatedJitterGenerator,
  handleWhen,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
} from 'cockatiel';
import { HeadroomError, errorMessage, isRetryable } from '../core/errors.js';
import type { GuardConfig } from './config.js';

export type BreakerState = 'closed' | 'open' | 'half_open' | 'isolated';

const BREAKER_STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half_open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * The resilience around one target (cockatiel 3): per-attempt timeout (aggressive: a target
 * that ignores its abort signal cannot hold the caller), a consecutive-failure circuit breaker
 * shared by every call to the target, and retries with decorrelated-jitter exponential backoff
 * that honour `Retry-After`. Only failures that say they are retryable (or time out) are
 * retried and count towards the breaker: a 403 or an invalid state fails at once and says
 * nothing about the target's availability.
 */
export class GuardExecutor {
  private readonly breaker: CircuitBreakerPolicy;

  constructor(private readonly config: GuardConfig) {
    this.breaker = circuitBreaker(
      handleWhen(
        (err) => err instanceof TaskCancelledError || (err instanceof HeadroomError && err.retryable),
      ),
      {
        halfOpenAfter: config.breakerHalfOpenAfterMs,
        breaker: new ConsecutiveBreaker(config.breakerFailures),
      },
    );
  }

  get breakerState(): BreakerState {
    return BREAKER_STATES[this.breaker.state];
  }

  /**
   * Runs `fn` through timeout, breaker and (when `retries` is true) retries; rejects with the
   * last error. A breaker that is open rejects at once with BrokenCircuitError.
   */
  async execute<T>(fn: (signal: AbortSignal) => Promise<T>, signal: AbortSignal, retries = true): Promise<T> {
    const attempt = timeout(this.config.timeoutMs, TimeoutStrategy.Aggressive);
    const policy = retries
      ? wrap(
          retry(
            handleWhen((err) => this.shouldRetry(err)),
            {
              maxAttempts: this.config.maxAttempts - 1,
              backoff: new RetryAfterBackoff(
                new ExponentialBackoff({
                  generator: decorrelatedJitterGenerator,
                  initialDelay: this.config.initialBackoffMs,
                  maxDelay: this.config.maxBackoffMs,
                }),
                this.config.maxBackoffMs,
              ),
            },
          ),
          this.breaker,
          attempt,
        )
      : wrap(this.breaker, attempt);
    return policy.execute(({ signal: s }) => fn(s), signal);
  }

  /** One line for an audit record or status: what failed, in the operator's terms. */
  describe(err: unknown): string {
    if (err instanceof BrokenCircuitError) {
      return `circuit breaker open after ${this.config.breakerFailures} consecutive failures: failing fast until a probe succeeds`;
    }
    if (err instanceof TaskCancelledError) {
      return `timed out (attempt limit ${this.config.timeoutMs} ms or decision deadline)`;
    }
    if (err instanceof HeadroomError) return `${err.code}: ${err.message}`;
    return errorMessage(err);
  }

  private shouldRetry(err: Error): boolean {
    if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) return false;
    if (err instanceof TaskCancelledError) return true;
    // A wait longer than the backoff ceiling is not worth holding the decision for: fail now,
    // the next decision tries again.
    if (err instanceof HeadroomError && (err.retryAfterMs ?? 0) > this.config.maxBackoffMs) return false;
    return isRetryable(err);
  }
}

/** Exponential backoff, but never shorter than the `Retry-After` the target reported. */
export class RetryAfterBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly inner: IBackoffFactory<unknown>,
    private readonly maxMs: number,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const step = this.inner.next(context);
    const error = 'error' in context.result ? context.result.error : undefined;
    const retryAfterMs = error instanceof HeadroomError ? (error.retryAfterMs ?? 0) : 0;
    return {
      duration: Math.min(this.maxMs, Math.max(step.duration, retryAfterMs)),
      next: (ctx) => new RetryAfterBackoff(step, this.maxMs).next(ctx),
    };
  }
}
