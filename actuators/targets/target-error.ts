import { HeadroomError, errorMessage } from '../../core/errors.js';
import { redactSecrets } from '../../core/redact.js';

/**
 * A HeadroomError from a target whose message and cause are scrubbed of `secrets`. The original
 * library error is not kept as the cause (its message, stack or fields may echo a token, a
 * password or a signed URL); a redacted copy of its message is.
 */
export function targetError(
  code: string,
  message: string,
  options: {
    retryable: boolean;
    cause?: unknown;
    secrets?: readonly (string | undefined)[];
    retryAfterMs?: number;
  },
): HeadroomError {
  const secrets = options.secrets ?? [];
  const cause =
    options.cause === undefined ? undefined : new Error(redactSecrets(errorMessage(options.cause), secrets));
  return new HeadroomError(code, redactSecrets(message, secrets), {
    retryable: options.retryable,
    ...(cause ? { cause } : {}),
    ...(options.retryAfterMs !== undefined ? { retryAfterMs: options.retryAfterMs } : {}),
  });
}

/**
 * Milliseconds to wait from an HTTP `Retry-After` header (RFC 9110 §10.2.3: delay-seconds or an
 * HTTP-date), or undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const dateMs = Date.parse(trimmed);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - nowMs);
}

/** HTTP statuses worth retrying: timeouts, throttling and server-side failures. */
export function retryableHttpStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Network-level failures (connection refused/reset, DNS, timeouts) are retryable. */
export function isNetworkError(err: unknown): boolean {
  const code =
    (err as { code?: unknown; cause?: { code?: unknown } })?.code ??
    (err as { cause?: { code?: unknown } })?.cause?.code;
  return (
    typeof code === 'string' &&
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'EPIPE',
      'ETIMEDOUT',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'UND_ERR_SOCKET',
      'UND_ERR_CONNECT_TIMEOUT',
    ].includes(code)
  );
}
