import type { RegularSeries } from '../../../core/time-series.js';
import { seededRandom } from '../seeded-random.js';

export { seededRandom };

export interface SyntheticOptions {
  readonly days: number;
  readonly stepMs?: number;
  readonly level?: number;
  /** Daily amplitude as a share of the level. */
  readonly dailyAmplitude?: number;
  /** Weekend dip as a share of the level. */
  readonly weekendDip?: number;
  /** Added per day, as a share of the level. */
  readonly trendPerDay?: number;
  /** Gaussian-ish noise standard deviation as a share of the level. */
  readonly noise?: number;
  readonly seed?: number;
}

/** A load-like series: level · (1 + daily sine − weekend dip + trend) + noise, never negative. */
export function syntheticLoad(options: SyntheticOptions): RegularSeries {
  const stepMs = options.stepMs ?? 3_600_000;
  const perDay = Math.round(86_400_000 / stepMs);
  const n = options.days * perDay;
  const level = options.level ?? 100;
  const rand = seededRandom(options.seed ?? 1);
  const startMs = Date.UTC(2026, 0, 5); // a Monday
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const day = Math.floor(i / perDay);
    const phase = (i % perDay) / perDay;
    const weekend = day % 7 >= 5 ? (options.weekendDip ?? 0) : 0;
    const noise = ((rand() + rand() + rand() - 1.5) / 0.5) * (options.noise ?? 0);
    const shape =
      1 +
      (options.dailyAmplitude ?? 0.5) * Math.sin(2 * Math.PI * phase) -
      weekend +
      (options.trendPerDay ?? 0) * (i / perDay);
    values[i] = Math.max(0, level * (shape + noise));
  }
  return { startMs, stepMs, values };
}
