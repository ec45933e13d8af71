import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names of a signed delivery (README.md beside this file). */
export const SIGNATURE_HEADER = 'x-headroom-signature';
export const TIMESTAMP_HEADER = 'x-headroom-timestamp';

/** `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<raw body>"). */
export function signBody(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does: recompute and compare in constant time, refusing timestamps further
 * than `toleranceSeconds` from now (replays).
 */
export function verifySignature(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signBody(secret, timestamp, body));
  const presented = Buffer.from(headers.signature);
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}
