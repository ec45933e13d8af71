import { z } from 'zod';
import { CONTROL_KINDS } from '../../control-states.js';

/** Settings of a webhook target (besides id, kind, mode, bounds, guard). */
export const webhookSettingsSchema = z.strictObject({
  /** Receiver URL; credentials or query tokens in it are treated as secrets. */
  url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }),
  /** HMAC-SHA256 key for the `Headroom-Signature` header. Never logged. */
  secret: z.string().min(16, 'at least 16 characters'),
  /** Extra request headers (e.g. Authorization); their values are treated as secrets. */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).default({}),
  /** Per request; the guard's timeout bounds the whole attempt as well. */
  timeoutMs: z.number().int().min(100).default(5_000),
  controls: z.array(z.enum(CONTROL_KINDS)).min(1).default(['cache_ttl', 'rate_limit', 'replicas', 'routing']),
});

export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;
