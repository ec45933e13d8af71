/**
 * Milliseconds to wait from an HTTP Retry-After value (RFC 9110 §10.2.3: delay-seconds or an
 * HTTP-date); undefined when absent or unreadable.
 */
export function retryAfterMs(value: unknown, nowMs = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  const trimmed = String(text).trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * How long to wait before retrying a receiver that refuses for a configuration reason (webhook
 * revoked, channel archived, token revoked): long, since only a person can fix it, but the
 * message is kept until then (or until it is too old).
 */
export const CONFIG_ERROR_RETRY_MS = 5 * 60_000;
