import { empiricalQuantile } from '../quantile-band.js';

/**
 * What the held-out tail of the training window taught: how much of the network's correction to
 * keep (`blend`: 0 = plain Holt-Winters, 1 = the network's p50) and how much to stretch its
 * band below and above p50 so that 10% of held-out targets fall under p10 and 10% over p90
 * (split-conformal calibration of quantile regression, Romano et al. 2019, in a multiplicative
 * form). A network trained on the same data it is judged on is over-confident; this corrects it.
 */
export interface Calibration {
  readonly blend: number;
  readonly lowerScale: number;
  readonly upperScale: number;
  readonly holdoutRows: number;
  /** Mean |error| / mean target on the hold-out, for Holt-Winters alone and for the blend. */
  readonly holdoutErrorBase: number;
  readonly holdoutErrorBlend: number;
}

export const IDENTITY_CALIBRATION: Calibration = {
  blend: 1,
  lowerScale: 1,
  upperScale: 1,
  holdoutRows: 0,
  holdoutErrorBase: Number.NaN,
  holdoutErrorBlend: Number.NaN,
};

const MIN_ROWS = 50;

/**
 * `target` and `base` are normalised (value / scale); `q` holds the network's ordered residual
 * quantiles, three per row.
 */
export function calibrate(target: Float64Array, base: Float64Array, q: Float32Array): Calibration {
  const n = target.length;
  if (n < MIN_ROWS) return { ...IDENTITY_CALIBRATION, holdoutRows: n };
  let total = 0;
  for (let i = 0; i < n; i++) total += Math.abs(target[i] as number);
  total = Math.max(total, 1e-9);
  let best = { blend: 1, error: Number.POSITIVE_INFINITY };
  let baseError = 0;
  for (let step = 0; step <= 10; step++) {
    const w = step / 10;
    let e = 0;
    for (let i = 0; i < n; i++)
      e += Math.abs((target[i] as number) - (base[i] as number) - w * (q[3 * i + 1] as number));
    if (step === 0) baseError = e / total;
    if (e / total < best.error - 1e-12) best = { blend: w, error: e / total };
  }
  const below: number[] = [];
  const above: number[] = [];
  for (let i = 0; i < n; i++) {
    const p50 = (base[i] as number) + best.blend * (q[3 * i + 1] as number);
    const lo = (q[3 * i + 1] as number) - (q[3 * i] as number);
    const hi = (q[3 * i + 2] as number) - (q[3 * i + 1] as number);
    const y = target[i] as number;
    if (lo > 1e-6) below.push((p50 - y) / lo);
    if (hi > 1e-6) above.push((y - p50) / hi);
  }
  const clamp = (v: number): number => (Number.isFinite(v) ? Math.min(5, Math.max(0.25, v)) : 1);
  return {
    blend: best.blend,
    lowerScale: below.length >= MIN_ROWS ? clamp(empiricalQuantile(below, 0.9)) : 1,
    upperScale: above.length >= MIN_ROWS ? clamp(empiricalQuantile(above, 0.9)) : 1,
    holdoutRows: n,
    holdoutErrorBase: baseError,
    holdoutErrorBlend: best.error,
  };
}

/** Normalised p10/p50/p90 for one row after calibration. */
export function applyCalibration(
  c: Calibration,
  base: number,
  q10: number,
  q50: number,
  q90: number,
): [number, number, number] {
  const p50 = base + c.blend * q50;
  return [p50 - c.lowerScale * (q50 - q10), p50, p50 + c.upperScale * (q90 - q50)];
}
