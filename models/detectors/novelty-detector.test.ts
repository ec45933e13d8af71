import { describe, expect, it } from 'vitest';
import type { DetectorResult } from '../../core/detector.js';
import { NoveltyDetector } from './novelty-detector.js';
import { gaussian, seededRandom, series } from './synthetic.js';

const STEP_MS = 300_000; // 5 minutes, as most NAB series
const DAY = 288; // points per day at 5 minutes
const ONSET = 2000;
const WARMUP = 750; // NAB's longest probation

interface Case {
  readonly name: string;
  /** Value at point i; anomalies start at ONSET. */
  readonly value: (i: number, noise: () => number) => number;
  readonly maxDelay: number;
  readonly component: string;
  /**
   * False alerts allowed per 1000 clean points. A record test is not silent on white noise: a
   * Gaussian series sets a new record (by more than the tolerance) about once per 600 points in
   * its first few thousand points, rarer as history grows (measured over 10 seeds, see
   * bench/detect). Series whose noise is small against their pattern get none.
   */
  readonly cleanAlertsPer1000: number;
}

// One labelled synthetic case per kind of anomaly the detector is meant to catch.
const CASES: Case[] = [
  {
    name: 'spike',
    value: (i, n) => 100 + 5 * n() + (i === ONSET ? 60 : 0),
    maxDelay: 0,
    component: 'value-range',
    cleanAlertsPer1000: 4,
  },
  {
    name: 'step beyond the range',
    value: (i, n) => 100 + 5 * n() + (i >= ONSET ? 40 : 0),
    maxDelay: 0,
    component: 'value-range',
    cleanAlertsPer1000: 4,
  },
  {
    name: 'level shift inside the range',
    value: (i, n) => 100 + 5 * n() + (i >= ONSET ? 7.5 : 0),
    maxDelay: 40,
    component: 'mean-shift',
    cleanAlertsPer1000: 4,
  },
  {
    name: 'variance change',
    value: (i, n) => 100 + (i >= ONSET ? 20 : 5) * n(),
    maxDelay: 20,
    component: 'value-range',
    cleanAlertsPer1000: 4,
  },
  {
    // A daily plateau (08:00-20:00) that fails to come one day: every value and every short
    // mean has been seen before; only the time of day makes it abnormal.
    name: 'missing daily rise',
    value: (i, n) => {
      const hour = ((i % DAY) / DAY) * 24;
      const day = hour >= 8 && hour < 20;
      const missing = i >= ONSET && i < ONSET + DAY;
      return (day && !missing ? 80 : 20) + 2 * n();
    },
    maxDelay: 12,
    component: 'seasonal',
    cleanAlertsPer1000: 0,
  },
];

function run(c: Case, seed: number): DetectorResult[] {
  const noise = gaussian(seededRandom(seed));
  const { timeMs, values } = series(ONSET + 400, (i) => c.value(i, noise), STEP_MS);
  const d = new NoveltyDetector({ warmupPoints: WARMUP });
  return Array.from(values, (value, i) => d.update({ timeMs: timeMs[i] as number, value }));
}

/** The first point at or after the true onset (for the daily case: the missed 08:00 rise). */
function expectedOnset(c: Case): number {
  if (c.name !== 'missing daily rise') return ONSET;
  const hour = (i: number): number => ((i % DAY) / DAY) * 24;
  let i = ONSET;
  while (hour(i) < 8 || hour(i) >= 20) i++;
  return i;
}

describe('NoveltyDetector on labelled synthetic anomalies', () => {
  describe.each(CASES)('$name', (c) => {
    it.each([1, 2, 3])('seed %i: detects within the expected delay and not before', (seed) => {
      const results = run(c, seed);
      const alertScore = 0.5;
      const clean = results.slice(WARMUP, ONSET);
      const falseAlerts = clean.filter((r) => r.score >= alertScore).length;
      expect(falseAlerts).toBeLessThanOrEqual(Math.floor((c.cleanAlertsPer1000 * clean.length) / 1000));
      const onset = expectedOnset(c);
      const first = results.findIndex((r, i) => i >= ONSET && r.score >= alertScore);
      expect(first).toBeGreaterThanOrEqual(onset);
      expect(first - onset).toBeLessThanOrEqual(c.maxDelay);
      const alert = results[first] as DetectorResult;
      expect(alert.explanation.component).toBe(c.component);
      expect(alert.explanation.detail).toMatch(/outside|left its usual range/);
      // One incident, one alert: the next 50 points stay quiet.
      expect(results.slice(first + 1, first + 51).filter((r) => r.score > 0)).toEqual([]);
    });
  });
});

describe('NoveltyDetector explanations', () => {
  it('gives the range it expected and marks later points of the same incident as suppressed', () => {
    // A lenient mean tolerance so that the value's own range is what fires.
    const d = new NoveltyDetector({ warmupPoints: 10, envelopeDecay: 0, mean: { tolerance: 10 } });
    const t0 = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 100; i++) d.update({ timeMs: t0 + i * STEP_MS, value: 10 + (i % 5) });
    const spike = d.update({ timeMs: t0 + 100 * STEP_MS, value: 30 });
    expect(spike.score).toBeGreaterThan(0.9);
    expect(spike.explanation).toMatchObject({ observed: 30, lower: 10, upper: 14, component: 'value-range' });
    expect(spike.explanation.detail).toBe(
      'value 30 is outside every value seen so far (10..14) by 400% of that range',
    );
    const again = d.update({ timeMs: t0 + 101 * STEP_MS, value: 35 });
    expect(again).toMatchObject({ score: 0, explanation: { suppressed: true, component: 'value-range' } });
  });

  it('alerts on the first change of a constant series', () => {
    const d = new NoveltyDetector({ warmupPoints: 10 });
    for (let i = 0; i < 50; i++) expect(d.update({ timeMs: i * STEP_MS, value: 0 }).score).toBe(0);
    expect(d.update({ timeMs: 50 * STEP_MS, value: 0.01 }).score).toBeGreaterThan(0.99);
  });

  it('leaves the seasonal component out when the period is too short for the sampling interval', () => {
    const d = new NoveltyDetector({ warmupPoints: 10 });
    const day = 86_400_000;
    const results = Array.from({ length: 400 }, (_, i) => d.update({ timeMs: i * day, value: i % 7 }));
    expect(results.every((r) => r.explanation.component !== 'seasonal')).toBe(true);
    expect(d.snapshot()).toMatchObject({ profile: { bins: -1 } });
  });

  it('rejects invalid settings', () => {
    expect(() => new NoveltyDetector({ alertScore: 1.5 })).toThrow();
    expect(() => new NoveltyDetector({ value: { tolerance: -1 } })).toThrow();
  });
});
