import { describe, expect, it } from 'vitest';
import { commitBudget, updateBudget, type BudgetSettings, type ViolationBudget } from './violation-budget.js';

const STEP = 60_000;
const settings: BudgetSettings = {
  capacityPerReplica: 10,
  targetUtilization: 0.8,
  tolerance: 0.1,
  downStabilizationSeconds: 300,
  minReplicas: 1,
  maxReplicas: 100,
  startupDelaySeconds: 0,
  ratio: 0.5,
  gain: 0.1,
  minScale: 0.5,
  maxScale: 2,
};

/** A budget after one sync on load 40 (the shadow HPA holds 5 replicas = 50) and `own` replicas set. */
function afterFirst(own: number, s: BudgetSettings = settings): ViolationBudget {
  const first = updateBudget(undefined, 40, STEP, undefined, s);
  if (!first) throw new Error('first sync left no budget');
  return commitBudget(first, own, STEP, s.startupDelaySeconds);
}

describe('updateBudget', () => {
  it('starts at scale 1 with no shortfalls counted', () => {
    expect(updateBudget(undefined, 40, STEP, undefined, settings)).toMatchObject({
      scale: 1,
      violations: { own: 0, hpa: 0 },
    });
  });

  it.each([
    { name: 'neither short: unchanged', own: 6, load: 45, want: 1, counted: { own: 0, hpa: 0 } },
    {
      name: 'policy short alone: up by gain',
      own: 4,
      load: 45,
      want: Math.exp(0.1),
      counted: { own: 1, hpa: 0 },
    },
    {
      name: 'HPA short alone: down by gain × ratio',
      own: 6,
      load: 55,
      want: Math.exp(-0.05),
      counted: { own: 0, hpa: 1 },
    },
    {
      name: 'both short: up by gain × (1 − ratio)',
      own: 4,
      load: 55,
      want: Math.exp(0.05),
      counted: { own: 1, hpa: 1 },
    },
  ])('$name', ({ own, load, want, counted }) => {
    const got = updateBudget(afterFirst(own), load, 2 * STEP, own, settings);
    expect(got?.scale).toBeCloseTo(want, 12);
    expect(got?.violations).toEqual(counted);
  });

  it.each([
    { name: 'clamped at maxScale', scale: 1.99, own: 4, load: 45, want: 2 },
    { name: 'clamped at minScale', scale: 0.51, own: 6, load: 55, want: 0.5 },
  ])('$name', ({ scale, own, load, want }) => {
    const got = updateBudget({ ...afterFirst(own), scale }, load, 2 * STEP, own, settings);
    expect(got?.scale).toBe(want);
  });

  it.each([
    { name: 'unknown load leaves the budget as it was', load: undefined },
    { name: 'NaN load leaves the budget as it was', load: Number.NaN },
  ])('$name', ({ load }) => {
    const before = afterFirst(4);
    expect(updateBudget(before, load, 2 * STEP, 4, settings)).toBe(before);
  });

  it('judges the replicas the target reads back, not the ones the policy asked for', () => {
    // The policy asked for 4 (40 < 45: short), but 6 are running (60 ≥ 45: not short).
    const got = updateBudget(afterFirst(4), 45, 2 * STEP, 6, settings);
    expect(got?.violations.own).toBe(0);
  });

  it('counts replicas still starting only for the part of the interval they serve', () => {
    // 2 → 6 replicas with a 30 s delay: the interval has 2 + 4 × 0.5 = 4 replicas (40).
    const s = { ...settings, startupDelaySeconds: 30 };
    const first = updateBudget(undefined, 10, STEP, undefined, s);
    if (!first) throw new Error('first sync left no budget');
    const two = commitBudget(first, 2, STEP, 0);
    const second = updateBudget(two, 10, 2 * STEP, 2, s);
    if (!second) throw new Error('second sync left no budget');
    const six = commitBudget(second, 6, 2 * STEP, 30);
    expect(updateBudget(six, 39, 3 * STEP, 6, s)?.violations.own).toBe(0);
    expect(updateBudget(six, 41, 3 * STEP, 6, s)?.violations.own).toBe(1);
  });
});

describe('commitBudget', () => {
  it.each([
    { name: 'first decision: all replicas serve', delay: 60, want: { spec: 3, starting: [] } },
    {
      name: 'later scale-up: the added replicas start',
      delay: 60,
      from: 2,
      want: { spec: 3, starting: [[2 * STEP + 60_000, 1]] },
    },
  ])('$name', ({ delay, from, want }) => {
    const first = updateBudget(undefined, 10, STEP, undefined, settings);
    if (!first) throw new Error('first sync left no budget');
    const budget = from === undefined ? first : commitBudget(first, from, STEP, delay);
    const at = from === undefined ? STEP : 2 * STEP;
    expect(commitBudget(budget, 3, at, delay).own).toMatchObject(want);
  });
});
