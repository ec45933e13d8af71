import { z } from 'zod';

/** One provider endpoint's cache TTL (issue 6, "Cache TTLs"). */
export const cacheTtlPolicyConfigSchema = z
  .strictObject({
    provider: z.string().min(1),
    /** The endpoint template (`url.template`), as in the `endpoint` tag. */
    endpoint: z.string().min(1),
    /** Id of the target that applies the decisions; unset: decisions are only recorded. */
    target: z.string().min(1).optional(),
    baseTtlSeconds: z.number().positive(),
    maxTtlSeconds: z.number().positive(),
    /** While degraded the TTL is multiplied by this per decision, up to the maximum. */
    growthFactor: z.number().gt(1).max(100).default(2),
    /** When stale entries may be served on provider errors. */
    staleOnError: z.enum(['when_degraded', 'always', 'never']).default('when_degraded'),
    degradedWhen: z
      .strictObject({
        anomalyScore: z.number().gt(0).max(1).default(0.8),
        errorRatio: z.number().gt(0).max(1).default(0.05),
        /** Latency at this multiple of its normal counts as degraded. */
        latencyRatio: z.number().gt(1).default(2),
      })
      .prefault({}),
    recovery: z
      .strictObject({
        /** Healthy for this long before the TTL starts to shorten. */
        holdSeconds: z.number().min(0).max(86_400).default(300),
        /** Largest cut per decision, % of the current TTL. */
        shortenPercent: z.number().positive().max(100).default(25),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.baseTtlSeconds > config.maxTtlSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseTtlSeconds'],
        message: `baseTtlSeconds (${config.baseTtlSeconds}) must not exceed maxTtlSeconds (${config.maxTtlSeconds})`,
      });
    }
  });

export type CacheTtlPolicyConfig = z.infer<typeof cacheTtlPolicyConfigSchema>;
export type CacheTtlPolicyConfigInput = z.input<typeof cacheTtlPolicyConfigSchema>;
