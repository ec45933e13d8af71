import { describe, expect, it } from 'vitest';
import { countChanges } from './count-changes.js';

const eq = (a: number, b: number) => a === b;
const h = (entries: [number, number][]) => entries.map(([timeMs, desired]) => ({ timeMs, desired }));

describe('countChanges', () => {
  it.each([
    { name: 'empty history', history: h([]), now: 100_000, period: 60, previous: undefined, want: 0 },
    {
      name: 'flat history',
      history: h([
        [10_000, 3],
        [20_000, 3],
        [30_000, 3],
      ]),
      now: 40_000,
      period: 60,
      previous: undefined,
      want: 0,
    },
    {
      name: 'counts each change in the period',
      history: h([
        [10_000, 3],
        [20_000, 4],
        [30_000, 5],
        [40_000, 5],
      ]),
      now: 50_000,
      period: 60,
      previous: undefined,
      want: 2,
    },
    {
      name: 'changes before the period do not count',
      history: h([
        [10_000, 3],
        [20_000, 4],
        [90_000, 5],
      ]),
      now: 100_000,
      period: 60,
      previous: undefined,
      want: 1,
    },
    {
      name: 'a change is counted against its predecessor outside the period',
      history: h([
        [10_000, 3],
        [50_000, 4],
      ]),
      now: 60_000,
      period: 20,
      previous: undefined,
      want: 1,
    },
    {
      name: 'previous value counts the first entry',
      history: h([[10_000, 3]]),
      now: 20_000,
      period: 60,
      previous: 2,
      want: 1,
    },
  ])('$name', ({ history, now, period, previous, want }) => {
    expect(countChanges(history, now, period, eq, previous)).toBe(want);
  });
});
