const DAY_MS = 86_400_000;

/** Seasonal periods of a series in steps; 0 when the step is too coarse for that season. */
export interface SeasonPeriods {
  readonly dailySteps: number;
  readonly weeklySteps: number;
}

/**
 * Daily and weekly periods for a step size. Steps that do not divide a day are rounded to the
 * nearest whole number of steps (a 7-minute step gives 206 steps a day); a season with fewer
 * than 2 steps per period is not a season and is reported as 0.
 */
export function seasonPeriods(stepMs: number): SeasonPeriods {
  if (!(stepMs > 0)) throw new RangeError(`stepMs must be positive, got ${stepMs}`);
  const daily = Math.round(DAY_MS / stepMs);
  const weekly = Math.round((7 * DAY_MS) / stepMs);
  return { dailySteps: daily >= 2 ? daily : 0, weeklySteps: weekly >= 2 ? weekly : 0 };
}
