import type { SeasonPeriods } from './season-periods.js';

/**
 * Returns a copy of `values` with every NaN (a gap left by `resample`) filled, using only
 * earlier values, so a fill never leaks the future into a walk-forward backtest:
 * the value one week earlier when it exists, else one day earlier, else the last finite value.
 * Leading gaps (before the first finite value) take the first finite value; an all-NaN input
 * becomes zeros. The seasonal fill keeps a missing busy hour busy, which carrying the last value
 * forward would not.
 */
export function fillGaps(values: Float64Array, periods: SeasonPeriods): Float64Array {
  const out = Float64Array.from(values);
  let firstFinite = -1;
  for (let i = 0; i < out.length; i++) {
    if (Number.isFinite(out[i])) {
      firstFinite = i;
      break;
    }
  }
  if (firstFinite < 0) return out.fill(0);
  const lead = out[firstFinite] as number;
  for (let i = 0; i < firstFinite; i++) out[i] = lead;
  let last = lead;
  const { weeklySteps: w, dailySteps: d } = periods;
  for (let i = firstFinite; i < out.length; i++) {
    const v = out[i] as number;
    if (Number.isFinite(v)) {
      last = v;
      continue;
    }
    // Earlier entries are already filled, so out[i - w] is finite whenever i >= w.
    const fill = w > 0 && i >= w ? out[i - w] : d > 0 && i >= d ? out[i - d] : last;
    out[i] = fill as number;
  }
  return out;
}

/** True when the array holds at least one NaN. */
export function hasGaps(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return true;
  return false;
}
