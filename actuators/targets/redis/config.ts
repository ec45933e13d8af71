import { z } from 'zod';
import { CONTROL_KINDS } from '../../control-states.js';

/** Settings of a Redis target (besides id, kind, mode, bounds, guard). */
export const redisSettingsSchema = z.strictObject({
  /** redis:// or rediss:// (TLS); may carry user:password, which is treated as a secret. */
  url: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' }),
  username: z.string().min(1).optional(),
  /** Overrides a password in the URL. Never logged. */
  password: z.string().min(1).optional(),
  /** Keys are `<keyPrefix><control>:<subject>`, e.g. headroom:policy:rate_limit:provider=stripe. */
  keyPrefix: z.string().default('headroom:policy:'),
  /** Channel on which every change is also published (the same JSON document). */
  channel: z.string().min(1).default('headroom:policy-updates'),
  connectTimeoutMs: z.number().int().min(100).default(5_000),
  /** Per-command timeout: a stalled server fails the command (retryable) rather than hang. */
  commandTimeoutMs: z.number().int().min(100).default(5_000),
  controls: z.array(z.enum(CONTROL_KINDS)).min(1).default(['cache_ttl', 'rate_limit', 'routing']),
});

export type RedisSettings = z.infer<typeof redisSettingsSchema>;
