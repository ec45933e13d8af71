import { validate as validateCron } from 'node-cron';
import { z } from 'zod';

/**
 * Shared config value schemas. A cron expression: 5 fields (minute hour day month weekday) or 6
 * with seconds first, as node-cron reads it.
 */
export const cronExpressionSchema = z
  .string()
  .refine((expr) => validateCron(expr), { message: 'expected a cron expression such as "*/5 * * * *"' });

/** A server certificate and key (PEM files), read when the server starts. */
export const tlsConfigSchema = z.strictObject({
  /** PEM certificate chain file. */
  certFile: z.string().min(1),
  /** PEM private key file. */
  keyFile: z.string().min(1),
});
