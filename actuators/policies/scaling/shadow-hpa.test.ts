import { describe, expect, it } from 'vitest';
import { stepShadowHpa, type ShadowHpa, type ShadowHpaSettings } from './shadow-hpa.js';

const STEP = 60_000;
const settings: ShadowHpaSettings = {
  capacityPerReplica: 10,
  targetUtilization: 0.8,
  tolerance: 0.1,
  downStabilizationSeconds: 300,
  minReplicas: 1,
  maxReplicas: 100,
  startupDelaySeconds: 30,
};

/** Runs the shadow HPA over `loads`, one sync per step; returns the spec and violation per sync. */
function run(loads: number[], s: ShadowHpaSettings = settings): { spec: number; violated?: boolean }[] {
  let state: ShadowHpa | undefined;
  return loads.map((load, i) => {
    const step = stepShadowHpa(state, load, (i + 1) * STEP, s);
    state = step.state;
    return step.violated === undefined
      ? { spec: state.pool.spec }
      : { spec: state.pool.spec, violated: step.violated };
  });
}

describe('stepShadowHpa', () => {
  it.each([
    {
      name: 'first sync sizes at target utilisation and reports nothing',
      loads: [40],
      want: [{ spec: 5 }],
    },
    {
      name: 'first sync with no load keeps one replica',
      loads: [0],
      want: [{ spec: 1 }],
    },
    {
      name: 'within tolerance: keeps the spec',
      loads: [40, 43],
      want: [{ spec: 5 }, { spec: 5, violated: false }],
    },
    {
      name: 'scale-up at once; the new replicas serve half of the next interval (30 s delay): 75 ≥ 74',
      // 80 arrives on 5 replicas (50): short. 5 → 10; the next interval has 5 + 5 × 0.5 = 7.5 replicas.
      loads: [40, 80, 74],
      want: [{ spec: 5 }, { spec: 10, violated: true }, { spec: 10, violated: false }],
    },
    {
      name: 'scale-up at once; the new replicas serve half of the next interval (30 s delay): 75 < 76',
      loads: [40, 80, 76],
      want: [{ spec: 5 }, { spec: 10, violated: true }, { spec: 10, violated: true }],
    },
    {
      name: 'scale-down waits for the highest desired value of the last 300 s',
      loads: [80, 8, 8, 8, 8, 8, 8],
      want: [
        { spec: 10 },
        { spec: 10, violated: false },
        { spec: 10, violated: false },
        { spec: 10, violated: false },
        { spec: 10, violated: false },
        { spec: 1, violated: false },
        { spec: 1, violated: false },
      ],
    },
    {
      name: 'clamped to maxReplicas',
      loads: [40, 4000],
      want: [{ spec: 5 }, { spec: 100, violated: true }],
    },
  ])('$name', ({ loads, want }) => {
    expect(run(loads)).toEqual(want);
  });

  it('matches the referee on a trace that moves both ways (desired values written out by hand)', () => {
    // capacity 10, target 0.8 → 8 per replica; window 300 s = 5 syncs (the current one included).
    const loads = [16, 30, 30, 10, 10, 10, 10, 10, 50, 9];
    // desired: 2, 4, 4(tol), 2, 2, 2, 2, 2, 7, 2 → spec: 2, 4, 4, 4, 4, 4, 4, 2, 7, 7
    expect(run(loads).map((r) => r.spec)).toEqual([2, 4, 4, 4, 4, 4, 4, 2, 7, 7]);
  });
});
