import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Detector, DetectorResult } from '../../core/detector.js';
import { DETECTORS, createDetector, type DetectorName } from './registry.js';
import { gaussian, seededRandom, series } from './synthetic.js';

// Every registered detector must honour the Detector contract of core/detector.ts.
const NAMES = Object.keys(DETECTORS) as DetectorName[];
const WARMUP = 150;
const make = (name: DetectorName): Detector => createDetector(name, { warmupPoints: WARMUP });

function noisySeries(seed: number, n: number): { timeMs: Float64Array; values: Float64Array } {
  const noise = gaussian(seededRandom(seed));
  // A daily shape, noise, a level shift and a spike: every component gets something to do.
  return series(
    n,
    (i) =>
      50 + 20 * Math.sin((2 * Math.PI * i) / 288) + 3 * noise() + (i > 900 ? 15 : 0) + (i === 1300 ? 80 : 0),
  );
}

function runAll(
  d: Detector,
  timeMs: ArrayLike<number>,
  values: ArrayLike<number>,
  from = 0,
  to = values.length,
): DetectorResult[] {
  const out: DetectorResult[] = [];
  for (let i = from; i < to; i++)
    out.push(d.update({ timeMs: timeMs[i] as number, value: values[i] as number }));
  return out;
}

describe.each(NAMES)('detector contract: %s', (name) => {
  const { timeMs, values } = noisySeries(7, 1600);

  it('is causal: appending other future rows never changes past scores', () => {
    const full = runAll(make(name), timeMs, values);
    const other = Float64Array.from(values, (v, i) => (i >= 1000 ? -v * 3 + 1e6 : v));
    const changed = runAll(make(name), timeMs, other);
    expect(changed.slice(0, 1000)).toEqual(full.slice(0, 1000));
    const prefix = runAll(make(name), timeMs, values, 0, 700);
    expect(prefix).toEqual(full.slice(0, 700));
  });

  it('is deterministic', () => {
    expect(runAll(make(name), timeMs, values)).toEqual(runAll(make(name), timeMs, values));
  });

  it.each([0, 1, 149, 150, 151, 901, 1301])('restores a JSON snapshot taken after %i points exactly', (k) => {
    const original = make(name);
    const before = runAll(original, timeMs, values, 0, k);
    const snapshot = JSON.parse(JSON.stringify(original.snapshot())) as ReturnType<Detector['snapshot']>;
    const restored = make(name);
    restored.restore(snapshot);
    const rest = runAll(restored, timeMs, values, k);
    const uninterrupted = make(name);
    expect([...before, ...rest]).toEqual(runAll(uninterrupted, timeMs, values));
    expect(restored.snapshot()).toEqual(uninterrupted.snapshot());
  });

  it('rejects a snapshot of another detector or version', () => {
    const d = make(name);
    expect(() => d.restore({ detectorId: 'something-else', version: 1 })).toThrow(/cannot restore/);
    expect(() => d.restore({ ...d.snapshot(), version: 999 })).toThrow(/version/);
  });

  it('scores a gap 0 and lets it leave the state unchanged', () => {
    const withGaps = { t: [] as number[], v: [] as number[], real: [] as number[] };
    for (let i = 0; i < values.length; i++) {
      if (i % 97 === 5) {
        withGaps.t.push((timeMs[i] as number) - 1000);
        withGaps.v.push(Number.NaN);
      }
      withGaps.real.push(withGaps.v.length);
      withGaps.t.push(timeMs[i] as number);
      withGaps.v.push(values[i] as number);
    }
    const gapped = runAll(make(name), withGaps.t, withGaps.v);
    const clean = runAll(make(name), timeMs, values);
    expect(withGaps.real.map((j) => gapped[j]?.score)).toEqual(clean.map((r) => r.score));
    for (let j = 0; j < withGaps.v.length; j++) {
      if (Number.isNaN(withGaps.v[j]))
        expect(gapped[j]).toMatchObject({ score: 0, explanation: { component: 'gap' } });
    }
  });

  it('gives a constant series, with time gaps and repeated timestamps, a score of 0', () => {
    const d = make(name);
    const t0 = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 600; i++) {
      const t = t0 + (i < 300 ? i : i + 5000) * 300_000 - (i % 50 === 0 ? 300_000 : 0);
      expect(d.update({ timeMs: t, value: 42 }).score).toBe(0);
    }
  });

  it('always returns a finite score in [0, 1] with an explanation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -5, max: 5 }), fc.constant(0)), {
          minLength: 1,
          maxLength: 400,
        }),
        (xs) => {
          const d = createDetector(name, { warmupPoints: 10 });
          xs.forEach((x, i) => {
            const r = d.update({ timeMs: i * 60_000, value: x });
            expect(r.score).toBeGreaterThanOrEqual(0);
            expect(r.score).toBeLessThanOrEqual(1);
            expect(typeof r.explanation.component).toBe('string');
            expect(Object.is(r.explanation.observed, x) || Number.isNaN(x)).toBe(true);
          });
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });

  it('keeps constant memory: the snapshot does not grow with the stream', () => {
    const d = make(name);
    const noise = gaussian(seededRandom(3));
    const size = (): number => JSON.stringify(d.snapshot()).length;
    let early = 0;
    for (let i = 0; i < 30_000; i++) {
      d.update({ timeMs: Date.UTC(2024, 0, 1) + i * 300_000, value: 100 + 10 * noise() });
      if (i === 9_999) early = size();
    }
    // Numbers may print with a few more digits; the structure must not grow.
    expect(size()).toBeLessThan(early * 1.2);
  });

  it('says it is warming up during the warm-up and scores 0 there', () => {
    const results = runAll(make(name), timeMs, values, 0, WARMUP);
    for (const r of results) expect(r).toMatchObject({ score: 0, explanation: { warmingUp: true } });
  });
});
