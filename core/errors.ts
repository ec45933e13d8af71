/**
 * Errors that cross component boundaries carry a stable `code` (for metrics, API responses and
 * tests) and say whether retrying can help. The component that talks to a remote system decides
 * `retryable`; wrappers (spool, guarded targets, outbox) act on it.
 */
export class HeadroomError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  /** Milliseconds the remote asked us to wait (HTTP Retry-After), when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; retryable?: boolean; retryAfterMs?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HeadroomError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** True when `err` says a retry may succeed. Unknown errors are treated as retryable. */
export function isRetryable(err: unknown): boolean {
  return err instanceof HeadroomError ? err.retryable : true;
}

/** A readable one-line message for any thrown value, for logs and API errors. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Raised for invalid configuration; `issues` name each offending key. */
export class ConfigError extends HeadroomError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[], source?: string) {
    super(
      'config_invalid',
      `invalid configuration${source ? ` in ${source}` : ''}:\n` + issues.map((i) => `  - ${i}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
