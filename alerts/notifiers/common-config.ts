import { z } from 'zod';
import { SEVERITIES } from '../../core/records/incident.js';

/**
 * A secret config value (webhook URL, token, signing key). Either the value itself or
 * `env:NAME` to read it from the environment at start-up, so secrets can stay out of the YAML
 * file. The value never appears in validation messages.
 */
export function secretSchema(what: string, minLength = 1) {
  return z
    .string()
    .min(1)
    .transform((value, ctx) => {
      const ref = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
      const resolved = ref ? process.env[ref[1]!] : value;
      if (resolved === undefined || resolved === '') {
        ctx.addIssue({ code: 'custom', message: `environment variable ${ref?.[1]} (${what}) is not set` });
        return z.NEVER;
      }
      if (resolved.length < minLength) {
        ctx.addIssue({ code: 'custom', message: `${what} must be at least ${minLength} characters` });
        return z.NEVER;
      }
      return resolved;
    });
}

/** A secret that must be an http(s) URL (the message never echoes the value). */
export function secretUrlSchema(what: string) {
  return secretSchema(what).refine((value) => /^https?:\/\/[^\s/]+/.test(value) && canParse(value), {
    message: `${what} must be an http(s) URL`,
  });
}

/** Fields every notifier has. */
export const notifierCommonShape = {
  /** Unique name; the outbox queues per name, logs and metrics use it (never the URL). */
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-" (at most 64)'),
  /** Incidents below this severity are not sent to this notifier. */
  minSeverity: z.enum(SEVERITIES).default('warning'),
  /** Per-request timeout. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
};

function canParse(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
