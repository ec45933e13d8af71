import { describe, expect, it } from 'vitest';
import { AlertSuppressor } from './alert-suppressor.js';

describe('AlertSuppressor', () => {
  it.each([
    {
      name: 'holds everything right after an alert',
      raw: [0.2, 0.9, 0.95, 0.99, 0.3],
      want: [0.2, 0.9, 0, 0, 0],
    },
    {
      name: 'passes only a stronger alert during the refractory period',
      raw: [0.9, 0, 0, 0.8, 0.95, 0, 0, 0.96],
      want: [0.9, 0, 0, 0, 0.95, 0, 0, 0.96],
    },
    {
      name: 'is transparent below the alert score and after the refractory period',
      raw: [0.4, 0.45, 0.9, 0, 0, 0, 0, 0, 0.6],
      want: [0.4, 0.45, 0.9, 0, 0, 0, 0, 0, 0.6],
    },
  ])('$name', ({ raw, want }) => {
    const s = new AlertSuppressor(0.5, 2, 5);
    expect(raw.map((r) => s.filter(r))).toEqual(want);
  });

  it('restores its state exactly', () => {
    const s = new AlertSuppressor(0.5, 2, 5);
    s.filter(0.9);
    const copy = new AlertSuppressor(0.5, 2, 5);
    copy.restore(JSON.parse(JSON.stringify(s.snapshot())));
    const rest = [0.95, 0.3, 0.92, 0.99, 0.7];
    expect(rest.map((r) => copy.filter(r))).toEqual(rest.map((r) => s.filter(r)));
  });
});
