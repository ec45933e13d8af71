import { z } from 'zod';

const DAY_MS = 86_400_000;

/** Settings of the default `novelty` detector (see novelty-detector.ts for what each does). */
export const noveltyConfigSchema = z.strictObject({
  /** Points learnt before any score is given (NAB: 15% of the file, at most 750). */
  warmupPoints: z.number().int().min(0).default(500),
  /** Score at which a point counts as an alert (starts suppression). */
  alertScore: z.number().gt(0).lt(1).default(0.5),
  /**
   * Envelope shrink per point (each end moves in by decay/2 of the width), so extremes not
   * revisited are forgotten with a half-life of about ln 2 / decay points (1e-5: ~69k points,
   * 8 days at 10 s, 240 days at 5 min). 0 keeps the whole history.
   */
  envelopeDecay: z.number().min(0).max(0.01).default(1e-5),
  value: z
    .strictObject({
      /** A value beyond every value seen by this fraction of their range scores alertScore. */
      tolerance: z.number().gt(0).default(0.05),
    })
    .prefault({}),
  mean: z
    .strictObject({
      /** Weight of the newest point in the short-term mean (≈ 1 / points it remembers). */
      alpha: z.number().gt(0).max(1).default(0.1),
      tolerance: z.number().gt(0).default(0.025),
      /** Points before the mean's envelope starts learning (lets the average settle). */
      settlePoints: z.number().int().min(0).default(20),
    })
    .prefault({}),
  seasonal: z
    .strictObject({
      enabled: z.boolean().default(true),
      periodMs: z.number().int().positive().default(DAY_MS),
      /** Profile resolution cap: memory per series is bounded by this many bins. */
      maxBins: z.number().int().min(4).max(10_000).default(288),
      /** Weight of the newest period in each phase bin's typical value. */
      alpha: z.number().gt(0).max(1).default(0.1),
      tolerance: z.number().gt(0).default(0.2),
      /** Periods of history before residuals are learnt, and before they are scored. */
      learnAfterPeriods: z.number().min(1).default(2),
      scoreAfterPeriods: z.number().min(1).default(4),
    })
    .prefault({}),
  suppression: z
    .strictObject({
      /** Points after an alert during which nothing is reported. */
      holdPoints: z.number().int().min(0).default(50),
      /** Points after an alert during which only a stronger alert is reported. */
      refractoryPoints: z.number().int().min(0).default(100),
    })
    .prefault({}),
});

export type NoveltyConfig = z.infer<typeof noveltyConfigSchema>;
/** What a caller may pass: any subset, defaults filled in by the schema. */
export type NoveltyOptions = z.input<typeof noveltyConfigSchema>;

/** Settings of the `windowed-gaussian` baseline (NAB's reference detector). */
export const windowedGaussianConfigSchema = z.strictObject({
  warmupPoints: z.number().int().min(0).default(500),
  /** Points in the sliding window the mean and deviation are computed from. */
  windowPoints: z.number().int().min(2).max(100_000).default(6400),
  /** Points between recomputations of the mean and deviation. */
  stepPoints: z.number().int().min(1).default(100),
});

export type WindowedGaussianConfig = z.infer<typeof windowedGaussianConfigSchema>;
export type WindowedGaussianOptions = z.input<typeof windowedGaussianConfigSchema>;

/** One detector per series: its registry name and its settings. */
export const detectorConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('novelty'), ...noveltyConfigSchema.shape }),
  z.strictObject({ type: z.literal('windowed-gaussian'), ...windowedGaussianConfigSchema.shape }),
]);

export type DetectorConfig = z.infer<typeof detectorConfigSchema>;
