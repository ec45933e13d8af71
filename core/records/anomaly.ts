import { z } from 'zod';

/**
 * A stored anomaly: one scored point above the threshold. `timeMs` is the point's time; tags are
 * the series' tags plus `signal`.
 */
export const anomalyBodySchema = z.object({
  signal: z.string(),
  measurement: z.string(),
  score: z.number().min(0).max(1),
  observed: z.number(),
  expected: z.number().optional(),
  lower: z.number().optional(),
  upper: z.number().optional(),
  /** Detector id and the component inside it that fired. */
  detector: z.string(),
  component: z.string(),
  /** One readable sentence: what was seen against what was expected. */
  explanation: z.string(),
});
export type AnomalyBody = z.infer<typeof anomalyBodySchema>;
