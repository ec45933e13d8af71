import { z } from 'zod';
import { notifierCommonShape, secretSchema, secretUrlSchema } from '../common-config.js';

/** Generic webhook: JSON POST signed with HMAC-SHA256 (see README.md beside this file). */
export const webhookNotifierConfigSchema = z.strictObject({
  type: z.literal('webhook'),
  ...notifierCommonShape,
  minSeverity: notifierCommonShape.minSeverity.default('info'),
  /** Receiver URL, or `env:NAME` (it may carry a token). Never logged. */
  url: secretUrlSchema('url'),
  /** HMAC-SHA256 signing key (at least 16 characters), or `env:NAME`. Never logged. */
  secret: secretSchema('secret', 16),
  /** Extra request headers (e.g. an API key the receiver wants); values are treated as secrets. */
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).default({}),
  minIntervalMs: z.number().int().min(0).default(0),
});

export type WebhookNotifierConfig = z.infer<typeof webhookNotifierConfigSchema>;
