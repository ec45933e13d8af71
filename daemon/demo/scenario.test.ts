import { describe, expect, it } from 'vitest';
import { Scenario, SERVICES } from './scenario.js';

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 5, 14, 0, 0);
const checkout = SERVICES.find((s) => s.name === 'checkout')!;
const feed = SERVICES.find((s) => s.name === 'feed')!;

describe('Scenario', () => {
  it.each([1, 1.5, 2, 3])('keeps yesterday in phase with today at speed %s', (speed) => {
    const s = new Scenario(START, speed);
    expect(DAY_MS % s.dayMs).toBe(0);
    for (const t of [START, START + 37_000, s.surge.fromMs + 1_000, s.endMs]) {
      expect(s.ratePerSecond(checkout, t - DAY_MS)).toBeCloseTo(s.ratePerSecond(checkout, t), 6);
    }
  });

  it('surges checkout only, today and at the same time on earlier days', () => {
    const s = new Scenario(START);
    const during = s.surge.fromMs + 1_000;
    expect(s.surgeFactor('checkout', during)).toBe(3);
    expect(s.surgeFactor('checkout', during - DAY_MS)).toBe(3);
    expect(s.surgeFactor('checkout', s.surge.fromMs - 1_000)).toBe(1);
    expect(s.surgeFactor('checkout', s.surge.toMs)).toBe(1);
    expect(s.surgeFactor('feed', during)).toBe(1);
    expect(s.ratePerSecond(feed, during)).toBeLessThan(feed.baseRatePerSecond * 1.36);
  });

  it('degrades payments us-east only during the incident', () => {
    const s = new Scenario(START, 2);
    const during = s.incident.fromMs + 1;
    expect(s.degradation('payments', 'us-east', during)).toEqual({ latencyFactor: 6, errorRatio: 0.3 });
    expect(s.degradation('payments', 'eu-west', during).latencyFactor).toBe(1);
    expect(s.degradation('payments', 'us-east', s.incident.toMs).latencyFactor).toBe(1);
    expect(s.degradation('payments', 'us-east', during - DAY_MS).latencyFactor).toBe(1);
    expect(s.incident.fromMs - START).toBe(15_000);
  });
});
