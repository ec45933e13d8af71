import { describe, expect, it } from 'vitest';
import { stabiliseRecommendation } from './stabilise-recommendation.js';

const NOW = 1_000_000;
const at = (secondsAgo: number, value: number) => ({ timeMs: NOW - secondsAgo * 1000, value });

describe('stabiliseRecommendation (HPA stabilizeRecommendationWithBehaviors)', () => {
  it.each([
    {
      name: 'no history: up at once',
      rec: 6,
      current: 4,
      past: [],
      up: 0,
      down: 300,
      want: 6,
      heldBy: undefined,
    },
    {
      name: 'down window holds the highest recent recommendation',
      rec: 2,
      current: 5,
      past: [at(100, 4), at(50, 3)],
      up: 0,
      down: 300,
      want: 4,
      heldBy: 'down',
    },
    {
      name: 'down window: entries older than the window are ignored',
      rec: 2,
      current: 5,
      past: [at(400, 5), at(301, 4)],
      up: 0,
      down: 300,
      want: 2,
      heldBy: undefined,
    },
    {
      name: 'down window: an entry exactly at the window edge is outside',
      rec: 2,
      current: 5,
      past: [at(300, 4)],
      up: 0,
      down: 300,
      want: 2,
      heldBy: undefined,
    },
    {
      name: 'down window never raises above current',
      rec: 2,
      current: 3,
      past: [at(10, 8)],
      up: 0,
      down: 300,
      want: 3,
      heldBy: 'down',
    },
    {
      name: 'up window holds at the lowest recent recommendation',
      rec: 9,
      current: 4,
      past: [at(30, 6), at(10, 7)],
      up: 60,
      down: 0,
      want: 6,
      heldBy: 'up',
    },
    {
      name: 'up window never lowers below current',
      rec: 9,
      current: 4,
      past: [at(30, 2)],
      up: 60,
      down: 0,
      want: 4,
      heldBy: 'up',
    },
    {
      name: 'up window 0: newest recommendation alone',
      rec: 9,
      current: 4,
      past: [at(1, 2)],
      up: 0,
      down: 300,
      want: 9,
      heldBy: undefined,
    },
    {
      name: 'no change asked',
      rec: 4,
      current: 4,
      past: [at(1, 9)],
      up: 60,
      down: 300,
      want: 4,
      heldBy: undefined,
    },
    {
      name: 'future entries are ignored',
      rec: 2,
      current: 5,
      past: [{ timeMs: NOW + 1000, value: 5 }],
      up: 0,
      down: 300,
      want: 2,
      heldBy: undefined,
    },
  ])('$name', ({ rec, current, past, up, down, want, heldBy }) => {
    const got = stabiliseRecommendation(rec, current, NOW, past, { upSeconds: up, downSeconds: down });
    expect(got.value).toBe(want);
    expect(got.heldBy).toBe(heldBy);
  });
});
