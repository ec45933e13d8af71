import { z } from 'zod';
import { cronExpressionSchema } from '../../core/schemas.js';

/** One synthetic probe: a health URL requested on a cron schedule (collectors/probe). */
export const probeConfigSchema = z.strictObject({
  /** Probe name; becomes the `endpoint` tag. */
  name: z.string().regex(/^[A-Za-z0-9._:/-]+$/, 'letters, digits, ".", "_", ":", "/" or "-"'),
  url: z.url({ protocol: /^https?$/ }),
  /** node-cron expression; 6 fields allowed (seconds first). Default: every 30 s. */
  schedule: cronExpressionSchema.default('*/30 * * * * *'),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  timeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  /** `provider` tag; default: the configured host patterns applied to the URL's host. */
  provider: z.string().min(1).optional(),
  /** `service` tag of the probe series. */
  service: z.string().min(1).default('headroom-probe'),
  /** Status codes that count as success (inclusive ranges). Default: 200–399. */
  expectStatus: z
    .array(z.tuple([z.number().int().min(100).max(599), z.number().int().min(100).max(599)]))
    .min(1)
    .default([[200, 399]]),
  /** Extra request headers (e.g. an API key). Values never appear in logs. */
  headers: z.record(z.string().min(1), z.string()).default({}),
});

export type ProbeConfig = z.infer<typeof probeConfigSchema>;
