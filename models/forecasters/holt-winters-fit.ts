import {
  forecastFromTrace,
  initWindow,
  runFilter,
  type FilterTrace,
  type HoltWintersLayout,
  type HoltWintersParams,
} from './holt-winters-filter.js';
import { nelderMead } from './nelder-mead.js';
import { empiricalQuantiles } from './quantile-band.js';
import { seasonPeriods } from './season-periods.js';
import { prefixSums, trailingScale } from './series-scale.js';

/** Error band per horizon (steps), in units of the series' trailing one-week mean. */
export interface HorizonBand {
  readonly horizons: number[];
  readonly q10: number[];
  readonly q90: number[];
}

/** Everything `fit` learns; plain data so snapshots are JSON. */
export interface HoltWintersFit {
  readonly stepMs: number;
  readonly layout: HoltWintersLayout;
  readonly params: HoltWintersParams;
  readonly band: HorizonBand;
  /** Mean absolute error / mean level on the fit window (the minimised objective). */
  readonly objective: number;
}

export interface FitSettings {
  readonly stepMs: number;
  readonly allowWeekly: boolean;
  readonly targetHorizonSteps: number;
  readonly maxHorizonSteps: number;
}

const MAX_SERIES = 12;
const HALF_LIFE_MS = 6 * 3_600_000;

/**
 * Fits shared smoothing parameters to gap-free series (the most recent four weeks of each, at
 * most 12 series spread evenly over the list) and measures the error band. See HoltWinters.
 */
export function fitHoltWinters(series: readonly Float64Array[], settings: FitSettings): HoltWintersFit {
  const periods = seasonPeriods(settings.stepMs);
  const windowSteps = 4 * Math.max(periods.weeklySteps, 7);
  const picked = pickEvenly(series, MAX_SERIES).map((v) => v.subarray(Math.max(0, v.length - windowSteps)));
  const useWeekly =
    settings.allowWeekly &&
    periods.weeklySteps > 0 &&
    picked.every((v) => v.length >= periods.weeklySteps + 2 * Math.max(periods.dailySteps, 1));
  const layout: HoltWintersLayout = {
    dailySteps: periods.dailySteps,
    weeklySteps: useWeekly ? periods.weeklySteps : 0,
    trendDamping: Math.pow(0.5, settings.stepMs / HALF_LIFE_MS),
  };
  const horizons = [...new Set([1, Math.max(1, settings.targetHorizonSteps)])];
  const items = picked.map((values) => ({
    values,
    initSteps: initWindow(values.length, layout),
    scale: meanAbs(values),
    trace: undefined as FilterTrace | undefined,
  }));
  const names: (keyof HoltWintersParams)[] = [
    'alpha',
    'beta',
    'delta',
    ...(useWeekly ? ['omega' as const] : []),
    'phi',
  ];
  const decode = (z: readonly number[]): HoltWintersParams => {
    const p: Record<keyof HoltWintersParams, number> = { alpha: 0, beta: 0, delta: 0, omega: 0, phi: 0 };
    names.forEach((name, i) => (p[name] = UPPER[name] * sigmoid(z[i] as number)));
    if (layout.dailySteps === 0) p.delta = 0;
    return p;
  };
  const objective = (z: readonly number[]): number => {
    const params = decode(z);
    let total = 0;
    let count = 0;
    for (const item of items) {
      item.trace = runFilter(
        item.values,
        0,
        item.values.length - 1,
        item.initSteps,
        params,
        layout,
        item.trace,
      );
      for (const h of horizons) {
        let sum = 0;
        let m = 0;
        for (let t = item.initSteps; t + h < item.values.length; t++) {
          sum += Math.abs(
            (item.values[t + h] as number) - forecastFromTrace(item.trace, t, h, params, layout),
          );
          m++;
        }
        if (m > 0) {
          total += sum / m / item.scale;
          count++;
        }
      }
    }
    return count > 0 ? total / count : 0;
  };
  const start = names.map((name) => logit(START[name] / UPPER[name]));
  const best = nelderMead(objective, start, { maxEvaluations: 40 * names.length, tolerance: 1e-4, step: 1 });
  const params = decode(best.x);
  const band = measureBand(items, params, layout, settings.maxHorizonSteps, periods.weeklySteps);
  return { stepMs: settings.stepMs, layout, params, band, objective: best.value };
}

const UPPER: Record<keyof HoltWintersParams, number> = {
  alpha: 1,
  beta: 0.05,
  delta: 1,
  omega: 1,
  phi: 0.99,
};
const START: Record<keyof HoltWintersParams, number> = {
  alpha: 0.1,
  beta: 0.005,
  delta: 0.1,
  omega: 0.1,
  phi: 0.5,
};

/** Horizons (steps) at which bands are measured: roughly geometric up to `maxHorizon`. */
export function horizonGrid(maxHorizon: number): number[] {
  const grid: number[] = [];
  for (let h = 1; h < maxHorizon; h = Math.max(h + 1, Math.round(h * 1.6))) grid.push(h);
  grid.push(Math.max(1, maxHorizon));
  return grid;
}

/** Linear interpolation of the band at horizon `h` (clamped to the measured range). */
export function interpolateBand(band: HorizonBand, h: number): [number, number] {
  const hs = band.horizons;
  if (hs.length === 0) return [0, 0];
  let i = 0;
  while (i < hs.length - 1 && (hs[i + 1] as number) < h) i++;
  if (h <= (hs[0] as number) || i >= hs.length - 1) {
    const j = h <= (hs[0] as number) ? 0 : hs.length - 1;
    return [band.q10[j] as number, band.q90[j] as number];
  }
  const a = hs[i] as number;
  const b = hs[i + 1] as number;
  const t = Math.min(1, Math.max(0, (h - a) / (b - a)));
  const lerp = (xs: number[]): number => (xs[i] as number) + t * ((xs[i + 1] as number) - (xs[i] as number));
  return [lerp(band.q10), lerp(band.q90)];
}

function measureBand(
  items: readonly { values: Float64Array; initSteps: number; trace: FilterTrace | undefined }[],
  params: HoltWintersParams,
  layout: HoltWintersLayout,
  maxHorizon: number,
  weeklySteps: number,
): HorizonBand {
  const horizons = horizonGrid(maxHorizon);
  const q10: number[] = [];
  const q90: number[] = [];
  const traces = items.map((item) =>
    runFilter(item.values, 0, item.values.length - 1, item.initSteps, params, layout),
  );
  const prefixes = items.map((item) => prefixSums(item.values));
  const scaleWindow = Math.max(weeklySteps, 1);
  for (const h of horizons) {
    const errors: number[] = [];
    items.forEach((item, s) => {
      const n = item.values.length;
      // The last two weeks of origins (or all after the initialisation): recent behaviour.
      const first = Math.max(item.initSteps, n - 2 * scaleWindow);
      const stride = Math.max(1, Math.floor((n - first) / 5000));
      for (let t = first; t + h < n; t += stride) {
        const f = forecastFromTrace(traces[s]!, t, h, params, layout);
        errors.push(((item.values[t + h] as number) - f) / trailingScale(prefixes[s]!, t, scaleWindow));
      }
    });
    const [a, b] = empiricalQuantiles(errors, [0.1, 0.9]);
    q10.push(a as number);
    q90.push(b as number);
  }
  return { horizons, q10, q90 };
}

function pickEvenly<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  return Array.from({ length: max }, (_, i) => xs[Math.floor((i * xs.length) / max)] as T);
}

function meanAbs(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += Math.abs(v);
  const m = s / Math.max(1, values.length);
  return m > 1e-9 ? m : 1;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const logit = (p: number): number => Math.log(p / (1 - p));
