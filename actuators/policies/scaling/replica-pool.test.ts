import { describe, expect, it } from 'vitest';
import { servingDuring, servingPool, setSpec, type ReplicaPool } from './replica-pool.js';

const STEP = 60_000;

describe('servingDuring', () => {
  const starting = (readyAtMs: number, count: number, spec = 5): ReplicaPool => ({
    spec,
    starting: [[readyAtMs, count]],
    sinceMs: 0,
  });
  it.each([
    { name: 'all serving', pool: servingPool(4, 0), want: 4 },
    { name: 'two ready after the interval: not counted', pool: starting(2 * STEP, 2), want: 3 },
    { name: 'two ready at its start: counted in full', pool: starting(0, 2), want: 5 },
    { name: 'two ready a quarter in: three quarters each', pool: starting(STEP / 4, 2), want: 3 + 1.5 },
    { name: 'ready exactly at its end: not counted', pool: starting(STEP, 1), want: 4 },
  ])('$name', ({ pool, want }) => {
    expect(servingDuring(pool, STEP)).toBeCloseTo(want, 12);
  });

  it.each([
    { name: 'zero-length interval, replica ready: counted', readyAtMs: 0, want: 2 },
    { name: 'zero-length interval, replica not ready: not counted', readyAtMs: 1, want: 1 },
  ])('$name', ({ readyAtMs, want }) => {
    expect(servingDuring({ spec: 2, starting: [[readyAtMs, 1]], sinceMs: 0 }, 0)).toBe(want);
  });
});

describe('setSpec', () => {
  const DELAY = 90_000;
  it.each([
    {
      name: 'scale-up: the added replicas start now and serve after the delay',
      pool: servingPool(3, 0),
      spec: 5,
      now: STEP,
      want: { spec: 5, starting: [[STEP + DELAY, 2]], sinceMs: STEP },
    },
    {
      name: 'replicas whose delay has passed are serving now',
      pool: { spec: 5, starting: [[STEP, 2]], sinceMs: 0 } as ReplicaPool,
      spec: 5,
      now: STEP,
      want: { spec: 5, starting: [], sinceMs: STEP },
    },
    {
      name: 'scale-down removes the newest starting replicas first',
      pool: {
        spec: 7,
        starting: [
          [2 * STEP, 2],
          [3 * STEP, 2],
        ],
        sinceMs: 0,
      } as ReplicaPool,
      spec: 4,
      now: STEP,
      want: { spec: 4, starting: [[2 * STEP, 1]], sinceMs: STEP },
    },
    {
      name: 'scale-down past the starting replicas removes serving ones',
      pool: { spec: 5, starting: [[2 * STEP, 2]], sinceMs: 0 } as ReplicaPool,
      spec: 1,
      now: STEP,
      want: { spec: 1, starting: [], sinceMs: STEP },
    },
    {
      name: 'no change keeps the starting replicas',
      pool: { spec: 5, starting: [[2 * STEP, 2]], sinceMs: 0 } as ReplicaPool,
      spec: 5,
      now: STEP,
      want: { spec: 5, starting: [[2 * STEP, 2]], sinceMs: STEP },
    },
  ])('$name', ({ pool, spec, now, want }) => {
    expect(setSpec(pool, spec, now, DELAY)).toEqual(want);
  });

  it('does not change the pool it was given', () => {
    const pool: ReplicaPool = { spec: 7, starting: [[2 * STEP, 2]], sinceMs: 0 };
    setSpec(pool, 5, STEP, 1000);
    expect(pool).toEqual({ spec: 7, starting: [[2 * STEP, 2]], sinceMs: 0 });
  });
});
