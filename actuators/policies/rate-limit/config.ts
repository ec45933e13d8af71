import { z } from 'zod';

/** A client (caller) of the provider that gets its own limit. */
const clientSchema = z.strictObject({
  /** The client's name as it appears in the `client` tag of the limit (e.g. a service). */
  client: z.string().min(1),
  /** Share of what is left above the floors, relative to the other clients. */
  weight: z.number().positive().default(1),
  /** Requests per second this client always gets, however hard the policy sheds. */
  floorPerSecond: z.number().min(0).default(0),
  /** `critical` clients are listed first in reasons; their floors are what floors are for. */
  priority: z.enum(['critical', 'normal']).default('normal'),
});

/**
 * One provider's rate limit (issue 6, "Rate limits"). Rates are requests per second.
 */
export const rateLimitPolicyConfigSchema = z
  .strictObject({
    provider: z.string().min(1),
    /** Id of the target that applies the decisions; unset: decisions are only recorded. */
    target: z.string().min(1).optional(),
    /** The provider's quota: `requests` per `perSeconds` (e.g. 100 per 1, or 50 000 per 86 400). */
    quota: z.strictObject({
      requests: z.number().positive(),
      perSeconds: z.number().positive().default(1),
    }),
    /** Fraction of the quota kept free (clock skew, other callers, retries). */
    safetyMargin: z.number().min(0).max(0.9).default(0.1),
    /** Token-bucket burst, in seconds of the limit. */
    burstSeconds: z.number().positive().default(1),
    /** Aggregate floor (requests per second); the clients' floors add to at least this much. */
    floorPerSecond: z.number().min(0).default(0),
    surge: z
      .strictObject({
        /** How far ahead a forecast surge above the quota tightens limits. */
        lookaheadSeconds: z.number().min(0).max(86_400).default(300),
        quantile: z.enum(['p50', 'p90']).default('p90'),
        /** Burst while a surge is forecast, in seconds of the limit. */
        burstSeconds: z.number().positive().default(0.2),
      })
      .prefault({}),
    adaptive: z
      .strictObject({
        /**
         * Gradient2's rttTolerance: latency may reach this multiple of its normal before the
         * limit drops; above it the limit is multiplied by tolerance / ratio.
         */
        latencyTolerance: z.number().gt(1).default(1.5),
        /** Smallest multiplier per decision (Gradient2 clamps its gradient at 0.5). */
        minGradient: z.number().gt(0).max(1).default(0.5),
        /** AIMD backoff on errors or an anomaly without a latency ratio. */
        backoffRatio: z.number().gt(0).lt(1).default(0.9),
        errorRatioThreshold: z.number().gt(0).max(1).default(0.05),
        anomalyThreshold: z.number().gt(0).max(1).default(0.8),
        /** Additive increase per decision while healthy, % of the quota ceiling. */
        increasePercent: z.number().positive().max(100).default(5),
        /** Healthy for this long before the limit rises again. */
        recoverAfterSeconds: z.number().min(0).max(86_400).default(60),
      })
      .prefault({}),
    clients: z.array(clientSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const ceiling = (config.quota.requests / config.quota.perSeconds) * (1 - config.safetyMargin);
    const floors = config.clients.reduce((sum, c) => sum + c.floorPerSecond, 0);
    if (Math.max(floors, config.floorPerSecond) > ceiling) {
      ctx.addIssue({
        code: 'custom',
        path: floors > config.floorPerSecond ? ['clients'] : ['floorPerSecond'],
        message: `floors (${Math.max(floors, config.floorPerSecond)}/s) exceed the quota less its safety margin (${ceiling}/s)`,
      });
    }
    const seen = new Set<string>();
    config.clients.forEach((c, i) => {
      if (seen.has(c.client)) {
        ctx.addIssue({
          code: 'custom',
          path: ['clients', i, 'client'],
          message: `duplicate client "${c.client}"`,
        });
      }
      seen.add(c.client);
    });
  });

export type RateLimitPolicyConfig = z.infer<typeof rateLimitPolicyConfigSchema>;
export type RateLimitPolicyConfigInput = z.input<typeof rateLimitPolicyConfigSchema>;
