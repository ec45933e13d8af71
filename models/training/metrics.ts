/**
 * Forecast error measures over parallel arrays. `mask[i] === 0` leaves target i out (e.g. known
 * outage stretches of zeros), everything else counts.
 */
export interface ForecastErrors {
  readonly n: number;
  /** Σ|y − p50| / Σ|y| (weighted absolute percentage error). */
  readonly wape: number;
  readonly mae: number;
  /** Share of targets inside [p10, p90]. */
  readonly coverage: number;
}

export function forecastErrors(
  actual: ArrayLike<number>,
  p50: ArrayLike<number>,
  p10?: ArrayLike<number>,
  p90?: ArrayLike<number>,
  mask?: ArrayLike<number>,
): ForecastErrors {
  let n = 0;
  let abs = 0;
  let tot = 0;
  let inside = 0;
  for (let i = 0; i < actual.length; i++) {
    if (mask && mask[i] === 0) continue;
    const y = actual[i] as number;
    n++;
    abs += Math.abs(y - (p50[i] as number));
    tot += Math.abs(y);
    if (p10 && p90 && (p10[i] as number) <= y && y <= (p90[i] as number)) inside++;
  }
  return {
    n,
    wape: tot > 0 ? abs / tot : n === 0 || abs === 0 ? 0 : Number.POSITIVE_INFINITY,
    mae: n > 0 ? abs / n : 0,
    coverage: n > 0 && p10 && p90 ? inside / n : Number.NaN,
  };
}

/**
 * Mean absolute error of the seasonal naive rule y[i-lag] on the in-sample rows [lag, end)
 * (Hyndman & Koehler 2006 MASE scale); undefined when there are no such rows or it is 0.
 */
export function naiveScale(values: ArrayLike<number>, lag: number, end: number): number | undefined {
  let s = 0;
  let n = 0;
  for (let i = lag; i < Math.min(end, values.length); i++) {
    s += Math.abs((values[i] as number) - (values[i - lag] as number));
    n++;
  }
  return n > 0 && s > 0 ? s / n : undefined;
}
