import { describe, expect, it } from 'vitest';
import { SeasonalProfile } from './seasonal-profile.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('SeasonalProfile', () => {
  it('learns the typical value per hour of the day from hourly data', () => {
    const p = new SeasonalProfile(DAY, 288, 0.5);
    const t0 = Date.UTC(2024, 0, 1);
    for (let h = 0; h < 24 * 5; h++) p.learn(t0 + h * HOUR, h % 24 < 12 ? 10 : 50);
    expect(p.active).toBe(true);
    expect(p.expected(t0 + 30 * 24 * HOUR + 3 * HOUR)).toBe(10);
    expect(p.expected(t0 + 30 * 24 * HOUR + 15 * HOUR)).toBe(50);
    expect(p.snapshot()).toMatchObject({ bins: 24 });
  });

  it('caps its bins for fine sampling and weights the newest period by alpha overall', () => {
    const p = new SeasonalProfile(DAY, 288, 0.5);
    const t0 = Date.UTC(2024, 0, 1);
    const tenSeconds = 10_000;
    // Day 1 at 10, day 2 at 30: each 5-minute bin holds 30 samples a day; after day 2 the bin
    // mean should sit halfway (alpha 0.5 per period), not at 30.
    for (let i = 0; i < 8640 * 2; i++) p.learn(t0 + i * tenSeconds, i < 8640 ? 10 : 30);
    expect(p.snapshot()).toMatchObject({ bins: 288 });
    expect(p.expected(t0 + 2 * DAY + 7 * HOUR)).toBeCloseTo(20, 6);
  });

  it('stays inactive when the period spans fewer than four samples', () => {
    const p = new SeasonalProfile(DAY, 288, 0.1);
    for (let i = 0; i < 40; i++) p.learn(i * 8 * HOUR, i);
    expect(p.active).toBe(false);
    expect(Number.isNaN(p.expected(0))).toBe(true);
  });

  it('round-trips through a JSON snapshot', () => {
    const p = new SeasonalProfile(DAY, 288, 0.2);
    for (let i = 0; i < 500; i++) p.learn(i * 300_000, Math.sin(i / 20));
    const copy = new SeasonalProfile(DAY, 288, 0.2);
    copy.restore(JSON.parse(JSON.stringify(p.snapshot())));
    expect(copy.snapshot()).toEqual(p.snapshot());
    expect(() => new SeasonalProfile(DAY, 100, 0.2).restore(p.snapshot())).toThrow(/bins/);
  });
});
