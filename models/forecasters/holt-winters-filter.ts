/**
 * The recursion of additive Holt-Winters with a damped trend, a daily and a weekly season
 * (Taylor 2003, "Short-term electricity demand forecasting using double seasonal exponential
 * smoothing", J. Oper. Res. Soc. 54) and his AR(1) adjustment of the forecast by the last error.
 * Pure functions over arrays so that fitting (hundreds of passes) and walk-forward forecasting
 * (one pass, many origins) share one implementation.
 *
 * With base_t = l_{t-1} + ρ·b_{t-1} + d_{t-D} + w_{t-W} and r_t = y_t − base_t:
 *   l_t = l_{t-1} + ρ·b_{t-1} + α·r_t,  b_t = ρ·b_{t-1} + β·r_t,
 *   d_t = d_{t-D} + δ·r_t,              w_t = w_{t-W} + ω·r_t,
 *   ŷ_t(h) = l_t + b_t·Σ_{i=1..h} ρ^i + d_{t+h-D·⌈h/D⌉} + w_{t+h-W·⌈h/W⌉} + φ^h·r_t.
 */
export interface HoltWintersParams {
  readonly alpha: number;
  readonly beta: number;
  readonly delta: number;
  readonly omega: number;
  readonly phi: number;
}

export interface HoltWintersLayout {
  /** Daily season in steps (0: none). */
  readonly dailySteps: number;
  /** Weekly season in steps (0: none). */
  readonly weeklySteps: number;
  /** Per-step trend damping ρ. */
  readonly trendDamping: number;
}

/** States after each observation; seasonal arrays are offset by their period (index t+P is d_t). */
export interface FilterTrace {
  readonly length: number;
  readonly level: Float64Array;
  readonly trend: Float64Array;
  readonly residual: Float64Array;
  readonly daily: Float64Array;
  readonly weekly: Float64Array;
}

/**
 * Runs the recursion over `values[from..to]` (inclusive; values must have no NaN), starting from
 * states estimated on `values[from .. from+initSteps-1]` (see `initialStates`). Index k of the
 * trace is time `from + k`. `into` lets callers reuse buffers across calls.
 */
export function runFilter(
  values: Float64Array,
  from: number,
  to: number,
  initSteps: number,
  params: HoltWintersParams,
  layout: HoltWintersLayout,
  into?: FilterTrace,
): FilterTrace {
  const n = to - from + 1;
  const D = layout.dailySteps;
  const W = layout.weeklySteps;
  const fits = into && into.length === n && into.daily.length === n + D && into.weekly.length === n + W;
  const trace = fits ? into : allocateTrace(n, D, W);
  const init = initialStates(values, from, Math.max(1, Math.min(initSteps, n)), D, W);
  trace.daily.set(init.daily, 0);
  trace.weekly.set(init.weekly, 0);
  const { alpha, beta, delta, omega } = params;
  const rho = layout.trendDamping;
  const { level, trend, residual, daily, weekly } = trace;
  let l = init.level;
  let b = 0;
  for (let k = 0; k < n; k++) {
    const dPrev = D > 0 ? (daily[k] as number) : 0;
    const wPrev = W > 0 ? (weekly[k] as number) : 0;
    const lb = l + rho * b;
    const r = (values[from + k] as number) - (lb + dPrev + wPrev);
    l = lb + alpha * r;
    b = rho * b + beta * r;
    if (D > 0) daily[k + D] = dPrev + delta * r;
    if (W > 0) weekly[k + W] = wPrev + omega * r;
    level[k] = l;
    trend[k] = b;
    residual[k] = r;
  }
  return trace;
}

/** Forecast made after trace index `k` for `h` steps ahead (h >= 1). */
export function forecastFromTrace(
  trace: FilterTrace,
  k: number,
  h: number,
  params: HoltWintersParams,
  layout: HoltWintersLayout,
): number {
  const D = layout.dailySteps;
  const W = layout.weeklySteps;
  const rho = layout.trendDamping;
  const dampSum = rho === 1 ? h : (rho * (1 - Math.pow(rho, h))) / (1 - rho);
  let y = (trace.level[k] as number) + (trace.trend[k] as number) * dampSum;
  if (D > 0) y += trace.daily[k + h - D * Math.ceil(h / D) + D] as number;
  if (W > 0) y += trace.weekly[k + h - W * Math.ceil(h / W) + W] as number;
  return y + Math.pow(params.phi, h) * (trace.residual[k] as number);
}

function allocateTrace(n: number, D: number, W: number): FilterTrace {
  return {
    length: n,
    level: new Float64Array(n),
    trend: new Float64Array(n),
    residual: new Float64Array(n),
    daily: new Float64Array(n + D),
    weekly: new Float64Array(n + W),
  };
}

/**
 * Initial level and seasonal states from the first `initSteps` values after `from`: the level is
 * their mean; the daily state of each phase is the mean over up to 7 whole days of that phase
 * minus the level; the weekly state is what remains of the first week after level and daily.
 * Seasonal states are smoothed over ±1/96 of a day (15 minutes at a 1-minute step) because a
 * single day's minutes are too noisy, then centred on zero.
 */
export function initialStates(
  values: Float64Array,
  from: number,
  initSteps: number,
  D: number,
  W: number,
): { level: number; daily: Float64Array; weekly: Float64Array } {
  const days = D > 0 ? Math.min(7, Math.floor(initSteps / D)) : 0;
  const span = days > 0 ? days * D : initSteps;
  let sum = 0;
  for (let i = 0; i < span; i++) sum += values[from + i] as number;
  const level = sum / span;
  const daily = new Float64Array(D);
  if (days > 0) {
    for (let p = 0; p < D; p++) {
      let s = 0;
      for (let d = 0; d < days; d++) s += values[from + d * D + p] as number;
      daily[p] = s / days - level;
    }
    smoothCircular(daily, Math.round(D / 96));
  }
  const weekly = new Float64Array(W);
  if (W > 0 && initSteps >= W) {
    for (let p = 0; p < W; p++) {
      weekly[p] = (values[from + p] as number) - level - (D > 0 ? (daily[p % D] as number) : 0);
    }
    smoothCircular(weekly, Math.max(1, Math.round((D || W / 7) / 48)));
  }
  return { level, daily, weekly };
}

/** Centred moving average of half-width `half` on a circular array, then centred on zero. */
function smoothCircular(a: Float64Array, half: number): void {
  const n = a.length;
  if (n === 0) return;
  if (half > 0) {
    const src = Float64Array.from(a);
    const width = 2 * half + 1;
    let s = 0;
    for (let j = -half; j <= half; j++) s += src[(((j % n) + n) % n) as number] as number;
    for (let i = 0; i < n; i++) {
      a[i] = s / width;
      s += (src[(i + half + 1) % n] as number) - (src[(((i - half) % n) + n) % n] as number);
    }
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += a[i] as number;
  mean /= n;
  for (let i = 0; i < n; i++) a[i] = (a[i] as number) - mean;
}

/** How many leading steps initialise the states (they are then also filtered over). */
export function initWindow(available: number, layout: HoltWintersLayout): number {
  if (layout.weeklySteps > 0) return layout.weeklySteps;
  const D = layout.dailySteps;
  if (D > 0) return D * Math.max(1, Math.min(7, Math.floor(available / (2 * D))));
  return Math.max(1, Math.min(48, Math.floor(available / 2)));
}
