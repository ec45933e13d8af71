import type { RegularSeries } from '../../../core/time-series.js';
import type { SeriesRequest } from './quantile-mlp.js';

/**
 * Random (origin, horizon) pairs per series, in proportion to its length, with targets inside
 * `region(n)` (inclusive index range). Half the horizons are the longest one trained for.
 */
export function sampleRequests(
  series: readonly RegularSeries[],
  count: number,
  rand: () => number,
  horizonMax: number,
  firstOrigin: number,
  region: (n: number) => [number, number],
): SeriesRequest[] {
  const total = series.reduce((s, h) => s + h.values.length, 0);
  const out: SeriesRequest[] = [];
  for (const one of series) {
    const n = one.values.length;
    const [lo, hi] = region(n);
    const share = Math.max(100, Math.round((count * n) / total));
    const origins: number[] = [];
    const horizons: number[] = [];
    for (let i = 0; i < share; i++) {
      const h = rand() < 0.5 ? horizonMax : 1 + Math.floor(rand() * horizonMax);
      const first = Math.max(Math.min(firstOrigin, n - 2), lo - h);
      const last = hi - h;
      if (last < first) continue;
      origins.push(first + Math.floor(rand() * (last - first + 1)));
      horizons.push(h);
    }
    if (origins.length > 0)
      out.push({ series: one, origins: Int32Array.from(origins), horizons: Int32Array.from(horizons) });
  }
  return out;
}

/** Seeded Fisher-Yates shuffle of 0..n-1 (tfjs shuffling would not be reproducible). */
export function permutation(n: number, rand: () => number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}
