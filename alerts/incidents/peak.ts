import type { StoredRecord } from '../../core/store.js';
import type { SeriesFact } from './facts.js';

/** The peak fields of one point (display units). */
export function peakOf(
  observed: number,
  expected: number | undefined,
  body: StoredRecord<'anomaly'>['body'],
): Pick<SeriesFact, 'peak' | 'normal' | 'ratio' | 'direction'> {
  const direction: SeriesFact['direction'] =
    expected !== undefined
      ? observed >= expected
        ? 'up'
        : 'down'
      : body.lower !== undefined && body.observed < body.lower
        ? 'down'
        : 'up';
  // A ratio against a near-zero normal says nothing a reader can use ("1e+21×"): leave it out.
  const raw = expected !== undefined && expected > 0 && observed >= 0 ? observed / expected : undefined;
  const ratio = raw !== undefined && raw < 1e4 && raw > 1e-4 ? raw : undefined;
  return {
    peak: observed,
    direction,
    ...(expected !== undefined ? { normal: expected } : {}),
    ...(ratio !== undefined ? { ratio } : {}),
  };
}

/** How extreme a point is, to pick the peak: |ln(observed / expected)|, else its score. */
export function deviation(peak: number, normal: number | undefined, score: number): number {
  if (normal !== undefined && normal > 0 && peak > 0) return Math.abs(Math.log(peak / normal));
  if (normal === 0 && peak > 0) return Math.log(100) + peak / 1e9;
  return score;
}
