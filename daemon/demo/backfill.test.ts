import { describe, expect, it } from 'vitest';
import { quantileMs, totalCount } from '../../core/histogram.js';
import { BACKFILL_COLLECTOR, backfillPoints } from './backfill.js';
import { Scenario, SERVICES } from './scenario.js';

const START = Date.UTC(2026, 0, 5, 14, 0, 0);

describe('backfillPoints', () => {
  const scenario = new Scenario(START);
  const points = backfillPoints(scenario, {
    endMs: START,
    historyMs: 2 * 3_600_000,
    fineMs: 600_000,
    coarseStepMs: 10_000,
    fineStepMs: 5_000,
  });

  it('covers the window at both resolutions, ending before the start, under its own collector tag', () => {
    const times = [...new Set(points.map((p) => p.timeMs))].sort((a, b) => a - b);
    expect(times[0]).toBe(START - 2 * 3_600_000);
    expect(times[times.length - 1]).toBe(START - 5_000);
    expect(times.filter((t) => t >= START - 600_000)).toHaveLength(120);
    expect(points.every((p) => p.tags.collector === BACKFILL_COLLECTOR)).toBe(true);
  });

  it('has request counts that follow the scenario rate and histograms that match the counts', () => {
    for (const service of SERVICES) {
      const inbound = points.filter((p) => p.measurement === 'inbound' && p.tags.service === service.name);
      const counted = inbound.reduce((sum, p) => sum + p.count, 0);
      let expected = 0;
      for (const t of new Set(inbound.map((p) => p.timeMs))) {
        expected += scenario.ratePerSecond(service, t) * (t >= START - 600_000 ? 5 : 10);
      }
      expect(counted / expected).toBeGreaterThan(0.9);
      expect(counted / expected).toBeLessThan(1.1);
    }
    for (const p of points.slice(0, 200)) expect(totalCount(p.histogram)).toBeCloseTo(p.count, 6);
  });

  it('gives payments us-east its configured latency and every call a provider, endpoint and region', () => {
    const usEast = points.filter((p) => p.tags.provider === 'payments' && p.tags.region === 'us-east');
    const p50 = usEast.map((p) => quantileMs(p.histogram, 0.5)).sort((a, b) => a - b)[
      Math.floor(usEast.length / 2)
    ]!;
    expect(p50).toBeGreaterThan(100);
    expect(p50).toBeLessThan(150);
    for (const p of points.filter((x) => x.measurement === 'api_calls')) {
      expect(p.tags).toMatchObject({
        provider: expect.any(String),
        endpoint: expect.any(String),
        region: expect.any(String),
      });
    }
  });
});
