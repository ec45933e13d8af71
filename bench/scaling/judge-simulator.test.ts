import { describe, expect, it } from 'vitest';
import { hpaBaseline } from './hpa-baseline.js';
import { judgeSimulator } from './judge-simulator.js';

describe('judgeSimulator (port of tools/scaling/judge.py)', () => {
  // Expected figures computed by tools/scaling/judge.py `simulate` on the same inputs.
  it.each([
    {
      name: 'a scale-up decided after row t serves from t + 1 + delay',
      load: [5, 15, 15, 15],
      specAfter: [1, 2, 2, 2],
      delay: 60,
      want: { violations: 2, excessLoad: 10, replicaHours: 0.08333333333333334, changes: 1 },
    },
    {
      name: 'fractional readiness inside an interval',
      load: [5, 16, 16],
      specAfter: [1, 2, 2],
      delay: 30,
      want: { violations: 2, excessLoad: 7, replicaHours: 0.05, changes: 1 },
    },
    {
      name: 'a scale-down takes effect at once',
      load: [5, 5, 25],
      specAfter: [3, 1, 1],
      delay: 60,
      want: { violations: 1, excessLoad: 15, replicaHours: 0.06666666666666667, changes: 1 },
    },
    {
      name: 'longer delay: violations until the replicas are ready',
      load: [10, 30, 30, 30, 30],
      specAfter: [1, 3, 3, 3, 3],
      delay: 120,
      want: { violations: 3, excessLoad: 60, replicaHours: 0.16666666666666669, changes: 1 },
    },
  ])('$name', ({ load, specAfter, delay, want }) => {
    const got = judgeSimulator(load, specAfter, {
      stepSeconds: 60,
      startupDelaySeconds: delay,
      capacityPerReplica: 10,
    });
    expect(got.violations).toBe(want.violations);
    expect(got.excessLoad).toBeCloseTo(want.excessLoad, 9);
    expect(got.replicaHours).toBeCloseTo(want.replicaHours, 12);
    expect(got.changes).toBe(want.changes);
  });

  it('removes starting replicas before ready ones on scale-down', () => {
    // row 0 → 3 replicas (2 starting), row 1 → back to 1: the ready one stays
    const got = judgeSimulator([10, 10, 10, 10], [3, 1, 1, 1], {
      stepSeconds: 60,
      startupDelaySeconds: 120,
      capacityPerReplica: 10,
    });
    expect(got.violations).toBe(0);
  });
});

describe('hpaBaseline', () => {
  it.each([
    { name: 'desired = ceil(load / (C × 0.8))', load: [0, 80, 160], want: [1, 10, 20] },
    { name: 'keeps the spec within the 0.1 tolerance', load: [80, 85, 75], want: [10, 10, 10] },
    {
      name: 'scale-down waits for the 300 s window',
      load: [160, 8, 8, 8, 8, 8, 8],
      want: [20, 20, 20, 20, 20, 1, 1],
    },
    { name: 'clamps to min', load: [0, 0], want: [3, 3], min: 3 },
  ])('$name', ({ load, want, min }) => {
    expect(
      Array.from(
        hpaBaseline(load, {
          stepSeconds: 60,
          capacityPerReplica: 10,
          minReplicas: min ?? 1,
          maxReplicas: 1000,
        }),
      ),
    ).toEqual(want);
  });
});
