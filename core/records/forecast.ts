import { z } from 'zod';

/**
 * A stored forecast: `timeMs` is when it was issued; tags are the forecast series' tags plus
 * `signal`. Quantile arrays have one value per step starting at `startMs`.
 */
export const forecastBodySchema = z.object({
  signal: z.string(),
  measurement: z.string(),
  startMs: z.number(),
  stepMs: z.number().positive(),
  p10: z.array(z.number()),
  p50: z.array(z.number()),
  p90: z.array(z.number()),
  model: z.object({ id: z.string(), version: z.string() }),
  /** Backtest error of the model that made it (walk-forward WAPE etc.), when known. */
  backtest: z.record(z.string(), z.number()).optional(),
  /** Why a fallback model was used (cold start, model failure), for people to read. */
  note: z.string().optional(),
});
export type ForecastBody = z.infer<typeof forecastBodySchema>;
