import { z } from 'zod';

/** Limits on how fast replicas may move in one direction. */
const directionSchema = (defaults: { stabilizationWindowSeconds: number; tolerance: number }) =>
  z.strictObject({
    /** HPA tolerance: no move this way while |need / current − 1| ≤ tolerance. */
    tolerance: z.number().min(0).max(1).default(defaults.tolerance),
    /**
     * HPA stabilisation window: up, the lowest recommendation in the window wins; down, the
     * highest. 0 looks at the newest recommendation alone.
     */
    stabilizationWindowSeconds: z.number().min(0).max(86_400).default(defaults.stabilizationWindowSeconds),
    /**
     * At most this many replica changes (either direction) within `periodSeconds` before a
     * change in this direction is allowed. Unset: no limit.
     */
    maxChanges: z.number().int().min(1).optional(),
    periodSeconds: z.number().positive().max(86_400).default(600),
    /** Largest move per decision, in % of the current replicas (at least one replica). */
    maxStepPercent: z.number().positive().optional(),
  });

/**
 * One scaled service (issue 6, "Scaling"). Load and capacity share one unit (requests per
 * second of the inbound-load signal, or per row interval in `simulate-scaling`).
 */
export const scalingPolicyConfigSchema = z
  .strictObject({
    /** The service whose inbound load drives the replicas. */
    service: z.string().min(1),
    /** Id of the target that applies the decisions; unset: decisions are only recorded. */
    target: z.string().min(1).optional(),
    /** Load one replica serves at 100 % utilisation. */
    capacityPerReplica: z.number().positive(),
    /**
     * Share of a replica's capacity the policy plans to use at the expected peak of the coming
     * window. The policy sizes on the upper envelope (a high forecast quantile over the startup
     * delay, the highest recent recommendation), not on one current value as the HPA does, so
     * the headroom is already in the inputs and the default plans on full capacity.
     */
    targetUtilization: z.number().gt(0).max(1).default(1),
    /**
     * Utilisation used while there is no forecast (warm-up, model failure): then nothing covers
     * the load growth during the startup delay, so the policy keeps HPA's default headroom.
     */
    noForecastUtilization: z.number().gt(0).max(1).default(0.8),
    /** Time from asking for a replica to it serving traffic. */
    startupDelaySeconds: z.number().min(0).max(3_600).default(60),
    minReplicas: z.number().int().min(0).default(1),
    maxReplicas: z.number().int().min(1).default(100),
    /**
     * Forecast quantile level that sizes the replicas (0.5 = p50, 0.9 = p90; levels between the
     * published p10/p50/p90 are interpolated).
     */
    forecastQuantile: z.number().min(0.1).max(0.9).default(0.9),
    forecastCalibration: z
      .strictObject({
        /**
         * `online`: stretch or shrink the forecaster's band until the load exceeds the chosen
         * quantile as often as the quantile says (see band-calibration.ts); `off`: use the band
         * as published.
         */
        mode: z.enum(['online', 'off']).default('online'),
        /**
         * What must be exceeded as rarely as the quantile says: `forecast` (the forecast band
         * alone) or `need` (the larger of the current load and the band, which sizes the
         * replicas).
         */
        target: z.enum(['forecast', 'need']).default('forecast'),
        /** Step of log(scale) per interval. */
        gain: z.number().positive().max(1).default(0.05),
        minScale: z.number().positive().default(0.1),
        maxScale: z.number().positive().default(5),
      })
      .prefault({}),
    /**
     * Shortfall budget against the stock HPA (see violation-budget.ts): the policy runs a
     * shadow HPA on the same load and, after every interval, widens the forecast band when its
     * own replicas fell short and narrows it when the HPA's would have fallen short and its own
     * did not, so its shortfalls track `ratio` × the HPA's. `hpa` sets the band scale in place of
     * `forecastCalibration`; `off` leaves the band to `forecastCalibration`.
     */
    violationBudget: z
      .strictObject({
        mode: z.enum(['hpa', 'off']).default('hpa'),
        /** Share of the HPA's shortfalls the policy aims for (< 1 leaves a margin). */
        ratio: z.number().positive().max(1).default(0.8),
        /** Step of log(scale) per shortfall. */
        gain: z.number().positive().max(1).default(0.05),
        minScale: z.number().positive().default(0.05),
        maxScale: z.number().positive().default(5),
        /** The shadow HPA's settings: the Kubernetes defaults. */
        hpaTargetUtilization: z.number().gt(0).max(1).default(0.8),
        hpaTolerance: z.number().min(0).max(1).default(0.1),
        hpaDownStabilizationSeconds: z.number().min(0).max(86_400).default(300),
      })
      .prefault({}),
    /** Forecast steps beyond now + startup delay that the replicas must also carry. */
    lookaheadSeconds: z.number().min(0).max(86_400).default(0),
    scaleUp: directionSchema({ stabilizationWindowSeconds: 0, tolerance: 0.1 }).prefault({}),
    scaleDown: directionSchema({ stabilizationWindowSeconds: 300, tolerance: 0.2 }).prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.minReplicas > config.maxReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['minReplicas'],
        message: `minReplicas (${config.minReplicas}) must not exceed maxReplicas (${config.maxReplicas})`,
      });
    }
  });

export type ScalingPolicyConfig = z.infer<typeof scalingPolicyConfigSchema>;
export type ScalingPolicyConfigInput = z.input<typeof scalingPolicyConfigSchema>;
