import { describe, expect, it } from 'vitest';
import { WindowedGaussianDetector, gaussianTail } from './windowed-gaussian-detector.js';
import { gaussian, seededRandom, series } from './synthetic.js';

const ONSET = 1500;
// z > 4.9 (a once-in-a-million tail) counts as an alert for this baseline.
const ALERT = 1 - 1e-6;

describe('WindowedGaussianDetector on labelled synthetic anomalies', () => {
  it.each([
    {
      name: 'spike',
      value: (i: number, n: () => number) => 100 + 5 * n() + (i === ONSET ? 60 : 0),
      maxDelay: 0,
    },
    {
      name: 'step',
      value: (i: number, n: () => number) => 100 + 5 * n() + (i >= ONSET ? 40 : 0),
      maxDelay: 0,
    },
    {
      name: 'variance change',
      value: (i: number, n: () => number) => 100 + (i >= ONSET ? 20 : 5) * n(),
      maxDelay: 40,
    },
  ])('$name: detected within $maxDelay points, nothing on the clean part', ({ value, maxDelay }) => {
    const noise = gaussian(seededRandom(5));
    const { timeMs, values } = series(ONSET + 200, (i) => value(i, noise));
    const d = new WindowedGaussianDetector({ warmupPoints: 500 });
    const scores = Array.from(values, (v, i) => d.update({ timeMs: timeMs[i] as number, value: v }).score);
    expect(Math.max(...scores.slice(500, ONSET))).toBeLessThan(ALERT);
    const first = scores.findIndex((s, i) => i >= ONSET && s >= ALERT);
    expect(first - ONSET).toBeGreaterThanOrEqual(0);
    expect(first - ONSET).toBeLessThanOrEqual(maxDelay);
  });

  it('scores the window mean 0 and explains with mean and three-sigma band', () => {
    const d = new WindowedGaussianDetector({ warmupPoints: 0, windowPoints: 4, stepPoints: 1 });
    for (const v of [1, 3, 1, 3]) d.update({ timeMs: 0, value: v });
    expect(d.update({ timeMs: 0, value: 2 })).toEqual({
      score: 0,
      explanation: { observed: 2, expected: 2, lower: -1, upper: 5, component: 'gaussian-tail' },
    });
  });

  it.each([
    [0, 0.5],
    [1, 0.158655254],
    [3, 0.001349898],
    [-2, 0.977249868],
  ])('gaussianTail(%d) = %d', (z, want) => expect(gaussianTail(z)).toBeCloseTo(want, 6));
});
