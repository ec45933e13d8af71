import type { Detector } from '../../core/detector.js';

/** Runs a detector over a whole series in order and returns the score of every point. */
export function scoreSeries(
  detector: Detector,
  timeMs: ArrayLike<number>,
  values: ArrayLike<number>,
): Float64Array {
  const n = values.length;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    scores[i] = detector.update({ timeMs: timeMs[i] as number, value: values[i] as number }).score;
  }
  return scores;
}

/** NAB's probationary period for a series of `rows` points: 15%, at most 750. */
export function nabWarmupPoints(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}
