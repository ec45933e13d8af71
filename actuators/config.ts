import { z } from 'zod';
import { ACTUATION_MODES } from '../core/records/decision.js';
import { boundsSchema } from './bounds.js';
import { policiesConfigSchema } from './policies/config.js';
import { kubernetesSettingsIssues, kubernetesSettingsSchema } from './targets/kubernetes/config.js';
import { nginxSettingsIssues, nginxSettingsSchema } from './targets/nginx/config.js';
import { redisSettingsSchema } from './targets/redis/config.js';
import { webhookSettingsSchema } from './targets/webhook/config.js';

/** How the guard wraps every call to a target (actuators/guarded.ts). */
const guardShape = {
  /** Per attempt (read or apply). */
  timeoutMs: z.number().int().min(50).max(600_000),
  /** Attempts per operation, retrying only errors the target marks retryable. */
  maxAttempts: z.number().int().min(1).max(10),
  /** First backoff; later ones grow exponentially with decorrelated jitter. */
  initialBackoffMs: z.number().int().min(1),
  /** Longest backoff, and the longest `Retry-After` honoured within one decision. */
  maxBackoffMs: z.number().int().min(1),
  /** Whole decision (queueing, read, apply, read-back) before it is recorded as failed. */
  deadlineMs: z.number().int().min(100),
  /** Consecutive failed calls that open the circuit breaker. */
  breakerFailures: z.number().int().min(1),
  /** Time an open breaker fails fast before letting one probe through. */
  breakerHalfOpenAfterMs: z.number().int().min(1),
};

export const guardConfigSchema = z.strictObject({
  timeoutMs: guardShape.timeoutMs.default(10_000),
  maxAttempts: guardShape.maxAttempts.default(3),
  initialBackoffMs: guardShape.initialBackoffMs.default(200),
  maxBackoffMs: guardShape.maxBackoffMs.default(5_000),
  deadlineMs: guardShape.deadlineMs.default(30_000),
  breakerFailures: guardShape.breakerFailures.default(5),
  breakerHalfOpenAfterMs: guardShape.breakerHalfOpenAfterMs.default(30_000),
});
export type GuardConfig = z.infer<typeof guardConfigSchema>;

/** Keys every target entry has, whatever its kind. */
const targetBaseShape = {
  /** Unique id, used in the API (/api/v1/targets/{id}) and on audit records. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-"'),
  /** `dry_run` (the default): decide and record, never apply. `enforce`: apply. */
  mode: z.enum(ACTUATION_MODES).default('dry_run'),
  bounds: boundsSchema.prefault({}),
  /** Overrides of actuators.guard for this target. */
  guard: z.strictObject(guardShape).partial().prefault({}),
};

/** Target kinds, sorted; each entry's settings live in actuators/targets/<kind>/config.ts. */
export const TARGET_KINDS = ['kubernetes', 'nginx', 'redis', 'webhook'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

const targetEntrySchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('kubernetes'), ...targetBaseShape, ...kubernetesSettingsSchema.shape }),
    z.strictObject({ kind: z.literal('nginx'), ...targetBaseShape, ...nginxSettingsSchema.shape }),
    z.strictObject({ kind: z.literal('redis'), ...targetBaseShape, ...redisSettingsSchema.shape }),
    z.strictObject({ kind: z.literal('webhook'), ...targetBaseShape, ...webhookSettingsSchema.shape }),
  ],
  {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const kind = (issue.input as { kind?: unknown } | undefined)?.kind;
      return kind === undefined
        ? `required: one of ${TARGET_KINDS.join(', ')}`
        : `unknown target type ${JSON.stringify(kind)} (expected one of ${TARGET_KINDS.join(', ')})`;
    },
  },
);
export type TargetConfig = z.infer<typeof targetEntrySchema>;
export type TargetConfigOf<K extends TargetKind> = Extract<TargetConfig, { kind: K }>;

/** Configuration of `actuators/` (the `actuators:` section of the YAML file). */
export const actuatorsConfigSchema = z
  .strictObject({
    /** Defaults for every target's guard (retries, timeouts, circuit breaker). */
    guard: guardConfigSchema.prefault({}),
    /** Where decisions are applied; none configured: Headroom decides and records only. */
    targets: z.array(targetEntrySchema).default([]),
    /** What to decide (scaling, rate limits, cache TTLs, routing); each names its target by id. */
    policies: policiesConfigSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    config.targets.forEach((target, i) => {
      if (ids.has(target.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i, 'id'],
          message: `duplicate target id "${target.id}"`,
        });
      }
      ids.add(target.id);
      const issues =
        target.kind === 'nginx'
          ? nginxSettingsIssues(target)
          : target.kind === 'kubernetes'
            ? kubernetesSettingsIssues(target)
            : [];
      for (const issue of issues)
        ctx.addIssue({ code: 'custom', path: ['targets', i, ...issue.path], message: issue.message });
      const guard = { ...config.guard, ...target.guard };
      if (guard.initialBackoffMs > guard.maxBackoffMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i, 'guard', 'initialBackoffMs'],
          message: 'must not be greater than maxBackoffMs',
        });
      }
    });
    for (const kind of ['scaling', 'rateLimit', 'cacheTtl', 'routing'] as const) {
      config.policies[kind].forEach((policy, i) => {
        if (policy.target !== undefined && !ids.has(policy.target)) {
          ctx.addIssue({
            code: 'custom',
            path: ['policies', kind, i, 'target'],
            message: `unknown target "${policy.target}" (configured: ${[...ids].sort().join(', ') || 'none'})`,
          });
        }
      });
    }
  });

export type ActuatorsConfig = z.infer<typeof actuatorsConfigSchema>;
