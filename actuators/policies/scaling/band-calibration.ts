import type { Forecast } from '../../../core/forecaster.js';
import { quantileAt } from '../forecast-peak.js';

/**
 * Online calibration of the forecast band, in the spirit of adaptive conformal inference
 * (Gibbs & Candès, "Adaptive conformal inference under distribution shift", NeurIPS 2021):
 * the distance from p50 to the configured quantile is multiplied by `scale`, and after each
 * interval `log scale` moves up by gain × (1 − α) when the load exceeded the scaled quantile and
 * down by gain × α when it did not (α = 1 − quantile level). The exceedance rate then converges
 * on α whatever the forecaster's own band says, and because it keeps moving it follows
 * regimes the band ignores (a band sized on the weekly mean is too wide at night and too narrow
 * at the peak).
 */
export interface BandCalibration {
  /** Multiplier of the p50 → quantile distance; 1 trusts the forecaster's band. */
  readonly scale: number;
  /** The threshold used for the next interval, checked when its load is known. */
  readonly pending?: { readonly fromMs: number; readonly toMs: number; readonly threshold: number };
}

export interface CalibrationSettings {
  readonly level: number;
  readonly gain: number;
  readonly minScale: number;
  readonly maxScale: number;
}

/**
 * Folds in the load of the interval that just ended (`[nowMs − step, nowMs)`): updates the
 * scale when the previous decision left a threshold for exactly that interval.
 */
export function updateCalibration(
  previous: BandCalibration | undefined,
  load: number | undefined,
  nowMs: number,
  settings: CalibrationSettings,
): { scale: number; exceeded?: boolean } {
  const scale = previous?.scale ?? 1;
  const pending = previous?.pending;
  if (!pending || load === undefined || !Number.isFinite(load)) return { scale };
  // The pending interval must be the one that just completed.
  if (!(pending.toMs <= nowMs && nowMs - pending.toMs < pending.toMs - pending.fromMs)) return { scale };
  const exceeded = load > pending.threshold;
  const alpha = 1 - settings.level;
  const step = settings.gain * ((exceeded ? 1 : 0) - alpha);
  const next = Math.min(settings.maxScale, Math.max(settings.minScale, scale * Math.exp(step)));
  return { scale: next, exceeded };
}

/** The threshold the calibrated band sets for the forecast's first step (the next interval). */
export function pendingThreshold(
  forecast: Forecast,
  level: number,
  scale: number,
  floor = Number.NEGATIVE_INFINITY,
): BandCalibration['pending'] {
  const p50 = forecast.p50[0];
  if (p50 === undefined || !Number.isFinite(p50)) return undefined;
  const q = quantileAt(forecast, level, 0);
  if (!Number.isFinite(q)) return undefined;
  return {
    fromMs: forecast.startMs,
    toMs: forecast.startMs + forecast.stepMs,
    threshold: Math.max(floor, p50 + scale * (q - p50)),
  };
}
