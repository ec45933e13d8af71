import { describe, expect, it } from 'vitest';
import { Envelope } from './envelope.js';

describe('Envelope', () => {
  it.each([
    { name: 'inside', x: 5, want: 0 },
    { name: 'on the upper edge', x: 10, want: 0 },
    { name: 'above by a tenth of the width', x: 10.8, want: 0.1 },
    { name: 'below by half the width', x: -2, want: -0.5 },
  ])('measures exceedance $name', ({ x, want }) => {
    const e = new Envelope(0);
    for (const v of [2, 10, 6]) e.add(v);
    expect(e.exceedance(x, 1e-9)).toBeCloseTo(want, 12);
  });

  it('is silent while empty and uses the minimum width for a constant series', () => {
    const e = new Envelope(0);
    expect(e.exceedance(1e9, 1)).toBe(0);
    e.add(3);
    e.add(3);
    expect(e.exceedance(3.5, 0.25)).toBe(2);
  });

  it('shrinks towards the middle by decay/2 of the width per point, then widens on new extremes', () => {
    const e = new Envelope(0.1);
    e.add(0);
    e.add(10); // shrinks [0,0] (nothing), then widens to [0,10]
    e.add(5); // shrinks by 0.5 each side: [0.5, 9.5]
    expect([e.lower, e.upper]).toEqual([0.5, 9.5]);
  });

  it('round-trips through its snapshot, including an empty envelope', () => {
    for (const values of [[], [1, 4, -2]]) {
      const e = new Envelope(0.01);
      values.forEach((v) => e.add(v));
      const copy = new Envelope(0.01);
      copy.restore(JSON.parse(JSON.stringify(e.snapshot())), 'e');
      expect([copy.lower, copy.upper, copy.size]).toEqual([e.lower, e.upper, e.size]);
    }
  });
});
