import { z } from 'zod';

const endpointSchema = z.strictObject({
  /** The endpoint's name as the target knows it (an upstream server, a region, a provider). */
  name: z.string().min(1),
  /** `backup` endpoints get traffic only when no primary can serve (nginx `backup`). */
  role: z.enum(['primary', 'backup']).default('primary'),
  /** Share of traffic when everything is healthy, relative to the other endpoints of its role. */
  weight: z.number().int().min(1).max(100).default(1),
  /**
   * Telemetry tags that identify this endpoint's calls, besides the policy's provider (the daemon
   * reads its health from them). Default `{ region: <name> }`; a backup provider is
   * `{ provider: <its name> }`.
   */
  match: z.record(z.string().min(1), z.string().min(1)).optional(),
});

/** Routing across one provider's endpoints (issue 6, "Traffic routing"). */
export const routingPolicyConfigSchema = z
  .strictObject({
    provider: z.string().min(1),
    /** Id of the target that applies the decisions; unset: decisions are only recorded. */
    target: z.string().min(1).optional(),
    endpoints: z.array(endpointSchema).min(1),
    /** Most weight (percentage points of 100) moved per decision, except on hard failure. */
    maxShiftPercent: z.number().positive().max(100).default(20),
    /** Above these an endpoint loses weight in proportion; below them it keeps its base weight. */
    degradedWhen: z
      .strictObject({
        errorRatio: z.number().gt(0).max(1).default(0.05),
        latencyRatio: z.number().gt(1).default(2),
        anomalyScore: z.number().gt(0).max(1).default(0.8),
      })
      .prefault({}),
    /** Hard failure: ejected at once (Envoy outlier detection), besides the `hardFailure` flag. */
    ejectWhen: z
      .strictObject({
        errorRatio: z.number().gt(0).max(1).default(0.5),
        latencyRatio: z.number().gt(1).default(10),
      })
      .prefault({}),
    ejection: z
      .strictObject({
        /** Envoy base_ejection_time: an ejection lasts base × (number of ejections in a row). */
        baseSeconds: z.number().positive().max(86_400).default(30),
        maxSeconds: z.number().positive().max(86_400).default(300),
      })
      .prefault({}),
    halfOpen: z
      .strictObject({
        /** Weight a half-open endpoint gets while it is being probed. */
        probeWeightPercent: z.number().positive().max(50).default(5),
        /** Healthy decisions in a row that close the circuit. */
        successesToClose: z.number().int().min(1).default(3),
      })
      .prefault({}),
    /** Envoy healthy_panic_threshold: below this % of healthy endpoints, route to all of them. */
    panicThresholdPercent: z.number().min(0).max(100).default(50),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.endpoints.forEach((e, i) => {
      if (seen.has(e.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints', i, 'name'],
          message: `duplicate endpoint "${e.name}"`,
        });
      }
      seen.add(e.name);
    });
    if (!config.endpoints.some((e) => e.role === 'primary')) {
      ctx.addIssue({
        code: 'custom',
        path: ['endpoints'],
        message: 'at least one endpoint must be a primary',
      });
    }
    if (config.ejection.baseSeconds > config.ejection.maxSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['ejection', 'baseSeconds'],
        message: `baseSeconds (${config.ejection.baseSeconds}) must not exceed maxSeconds (${config.ejection.maxSeconds})`,
      });
    }
    const d = config.degradedWhen;
    const e = config.ejectWhen;
    if (d.errorRatio > e.errorRatio) {
      ctx.addIssue({
        code: 'custom',
        path: ['degradedWhen', 'errorRatio'],
        message: 'must not exceed ejectWhen.errorRatio',
      });
    }
    if (d.latencyRatio > e.latencyRatio) {
      ctx.addIssue({
        code: 'custom',
        path: ['degradedWhen', 'latencyRatio'],
        message: 'must not exceed ejectWhen.latencyRatio',
      });
    }
  });

export type RoutingPolicyConfig = z.infer<typeof routingPolicyConfigSchema>;
export type RoutingPolicyConfigInput = z.input<typeof routingPolicyConfigSchema>;
