import { z } from 'zod';
import type { ControlKind, ControlStates } from '../core/actuator.js';
import type { Tags } from '../core/tags.js';

export const CONTROL_KINDS = [
  'cache_ttl',
  'rate_limit',
  'replicas',
  'routing',
] as const satisfies readonly ControlKind[];

/** Zod schemas of each control's state (core/actuator.ts), for API bodies and desired states. */
export const CONTROL_STATE_SCHEMAS = {
  cache_ttl: z.strictObject({
    ttlSeconds: z.number().min(0),
    staleOnError: z.boolean(),
  }),
  rate_limit: z.strictObject({
    ratePerSecond: z.number().positive(),
    burst: z.number().int().min(0),
  }),
  replicas: z.strictObject({
    replicas: z.number().int().min(0),
  }),
  routing: z.strictObject({
    weights: z.record(z.string().min(1), z.number().min(0).max(100)),
    down: z.array(z.string()).default([]),
    backup: z.array(z.string()).default([]),
  }),
} as const satisfies { [C in ControlKind]: z.ZodType<ControlStates[C], unknown> };

/** Subject tags: non-empty keys and values; the keys below are reserved for record tags. */
export const RESERVED_SUBJECT_KEYS = ['target', 'policy', 'outcome', 'control'] as const;

export const subjectSchema = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,127}$/, 'a tag key (a letter, then letters, digits, "_", ".", "-")'),
    z.string().min(1),
  )
  .refine((s) => !RESERVED_SUBJECT_KEYS.some((k) => k in s), {
    message: `subject keys must not be ${RESERVED_SUBJECT_KEYS.join(', ')}`,
  });

/** Canonical text of a subject (`provider=stripe,endpoint=/v1/charges` with sorted keys). */
export function subjectKey(subject: Tags): string {
  return Object.keys(subject)
    .sort()
    .map((k) => `${k}=${subject[k]}`)
    .join(',');
}

/** Key of one (control, subject) pair within a target. */
export function controlKey(control: ControlKind, subject: Tags): string {
  return `${control}|${subjectKey(subject)}`;
}

/** Structural equality of two states (objects by sorted keys; arrays in order). */
export function statesEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted, so equal states serialise equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
