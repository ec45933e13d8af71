import { describe, expect, it } from 'vitest';
import type { Forecast } from '../../../core/forecaster.js';
import type { PastDecision } from '../../../core/policy.js';
import { rateLimitPolicyConfigSchema, type RateLimitPolicyConfigInput } from './config.js';
import {
  rateLimitPolicy,
  type RateLimitInput,
  type RateLimitMemory,
  type RateLimitPlan,
} from './rate-limit-policy.js';

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const base: RateLimitPolicyConfigInput = { provider: 'stripe', quota: { requests: 100 } };

function cfg(over: Partial<RateLimitPolicyConfigInput> = {}) {
  return rateLimitPolicyConfigSchema.parse({ ...base, ...over });
}

function flatForecast(perSecond: number, steps = 10, stepMs = 60_000): Forecast {
  const fill = (v: number) => new Float64Array(steps).fill(v);
  return {
    startMs: NOW,
    stepMs,
    p10: fill(perSecond * 0.8),
    p50: fill(perSecond * 0.9),
    p90: fill(perSecond),
    modelId: 'f',
    modelVersion: '1',
  };
}

function plan(rate: number): RateLimitPlan {
  return { ratePerSecond: rate, burst: Math.ceil(rate), clients: {} };
}

function step(
  input: Partial<RateLimitInput> & { config: RateLimitInput['config'] },
): ReturnType<typeof rateLimitPolicy> {
  return rateLimitPolicy({ nowMs: NOW, current: undefined, history: [], health: {}, ...input });
}

describe('rateLimitPolicy', () => {
  it.each([
    { name: 'ceiling is the quota less the safety margin', over: {}, traffic: 50, want: 90 },
    { name: 'larger safety margin', over: { safetyMargin: 0.25 }, traffic: 50, want: 75 },
    {
      name: 'quota per minute is turned into per second',
      over: { quota: { requests: 600, perSeconds: 60 } },
      traffic: 5,
      want: 9,
    },
  ])('quota: $name', ({ over, traffic, want }) => {
    const d = step({ config: cfg(over), currentRatePerSecond: traffic });
    expect(d.desired.ratePerSecond).toBe(want);
  });

  it('tightens burst and client shares ahead of a forecast surge above the quota', () => {
    const config = cfg({
      clients: [{ client: 'checkout', floorPerSecond: 30, priority: 'critical' }, { client: 'reports' }],
    });
    const calm = step({ config, currentRatePerSecond: 50, forecast: flatForecast(60) });
    expect(calm.desired.burst).toBe(90);
    // borrow mode: each client may use the aggregate less the others' floors
    expect(calm.desired.clients).toEqual({
      checkout: { ratePerSecond: 90, burst: 90 },
      reports: { ratePerSecond: 60, burst: 60 },
    });
    const surge = step({ config, currentRatePerSecond: 50, forecast: flatForecast(150) });
    expect(surge.desired.ratePerSecond).toBe(90);
    expect(surge.desired.burst).toBe(18);
    // strict shares: floors first, the rest by weight
    expect(surge.desired.clients).toEqual({
      checkout: { ratePerSecond: 60, burst: 12 },
      reports: { ratePerSecond: 30, burst: 6 },
    });
    expect(surge.reasons.join('\n')).toMatch(/forecast p90 150\/s .* exceeds the ceiling/);
  });

  it('paces a windowed quota when the forecast would exhaust it before the window ends', () => {
    // 36 000 per hour, 10 % margin: 32 400; 20 000 used with 30 min left → 12 400 / 1 800 s
    const config = cfg({ quota: { requests: 36_000, perSeconds: 3_600 } });
    const windowStartMs = NOW - 1_800_000;
    const fine = step({
      config,
      currentRatePerSecond: 5,
      forecast: flatForecast(5, 30),
      quotaUsed: { windowStartMs, requests: 20_000 },
    });
    expect(fine.desired.ratePerSecond).toBe(9);
    const heavy = step({
      config,
      currentRatePerSecond: 8,
      forecast: flatForecast(12, 30),
      quotaUsed: { windowStartMs, requests: 20_000 },
    });
    expect(heavy.desired.ratePerSecond).toBeCloseTo(12_400 / 1_800, 2);
    expect(heavy.reasons.join('\n')).toMatch(/pacing/);
  });

  it.each([
    {
      name: 'latency 3× normal: gradient tolerance / ratio = 0.5 of traffic',
      health: { latencyMs: 300, normalLatencyMs: 100 },
      want: 40,
    },
    {
      name: 'latency 2× normal: × 0.75 of traffic',
      health: { latencyMs: 200, normalLatencyMs: 100 },
      want: 60,
    },
    {
      name: 'latency 10× normal: clamped at minGradient 0.5',
      health: { latencyMs: 1000, normalLatencyMs: 100 },
      want: 40,
    },
    {
      name: 'latency within tolerance: no shedding',
      health: { latencyMs: 140, normalLatencyMs: 100 },
      want: 90,
    },
    { name: 'errors: AIMD backoff × 0.9', health: { errorRatio: 0.2 }, want: 72 },
    { name: 'anomaly alone: AIMD backoff', health: { anomalyScore: 0.95 }, want: 72 },
    { name: 'missing signals are no evidence', health: { latencyMs: 500 }, want: 90 },
  ])('adaptive shedding: $name', ({ health, want }) => {
    const d = step({ config: cfg(), current: plan(90), currentRatePerSecond: 80, health });
    expect(d.desired.ratePerSecond).toBe(want);
  });

  it('sheds down to the floor and never below it', () => {
    const config = cfg({ floorPerSecond: 30 });
    let history: PastDecision<RateLimitPlan, RateLimitMemory>[] = [];
    let current = plan(90);
    for (let i = 0; i < 10; i++) {
      const d = rateLimitPolicy({
        nowMs: NOW + i * 10_000,
        current,
        history,
        config,
        currentRatePerSecond: current.ratePerSecond,
        health: { latencyMs: 900, normalLatencyMs: 100 },
      });
      history = [...history, { timeMs: NOW + i * 10_000, desired: d.desired, memory: d.memory }];
      current = d.desired;
    }
    expect(current.ratePerSecond).toBe(30);
    expect(
      rateLimitPolicy({
        nowMs: NOW + 200_000,
        current,
        history,
        config,
        currentRatePerSecond: 30,
        health: { latencyMs: 900, normalLatencyMs: 100 },
      }).suppressed.map((s) => s.stage),
    ).toContain('clamp');
  });

  it('recovers additively after the provider is healthy for recoverAfterSeconds', () => {
    const config = cfg();
    const degradedAt = NOW;
    let history: PastDecision<RateLimitPlan, RateLimitMemory>[] = [
      { timeMs: degradedAt, desired: plan(40), memory: { adaptiveLimit: 40, degradedAtMs: degradedAt } },
    ];
    let current = plan(40);
    const rates: number[] = [];
    for (let i = 1; i <= 12; i++) {
      const t = degradedAt + i * 10_000;
      const d = rateLimitPolicy({
        nowMs: t,
        current,
        history,
        config,
        currentRatePerSecond: current.ratePerSecond,
        health: { latencyMs: 100, normalLatencyMs: 100 },
      });
      history = [...history, { timeMs: t, desired: d.desired, memory: d.memory }];
      current = d.desired;
      rates.push(d.desired.ratePerSecond);
      if (i < 6) expect(d.suppressed.some((s) => s.stage === 'stabilise')).toBe(true);
    }
    // held for 60 s (6 decisions at 10 s), then +5 % of the 90/s ceiling (4.5/s) per decision
    expect(rates).toEqual([40, 40, 40, 40, 40, 44.5, 49, 53.5, 58, 62.5, 67, 71.5]);
  });

  it('decreases by at most × minGradient per decision', () => {
    const d = step({
      config: cfg(),
      current: plan(90),
      currentRatePerSecond: 90,
      health: { latencyMs: 100_000, normalLatencyMs: 100 },
    });
    expect(d.desired.ratePerSecond).toBe(45);
  });

  it('drops at once when the quota ceiling is below the current limit', () => {
    const d = step({ config: cfg(), current: plan(500), currentRatePerSecond: 80 });
    expect(d.desired.ratePerSecond).toBe(90);
  });
});

describe('rateLimitPolicyConfigSchema', () => {
  it.each([
    { name: 'missing quota names quota', input: { provider: 'x' }, want: /^quota: / },
    { name: 'missing quota.requests', input: { provider: 'x', quota: {} }, want: /^quota.requests: / },
    {
      name: 'floors above the quota name clients',
      input: {
        provider: 'x',
        quota: { requests: 10 },
        clients: [
          { client: 'a', floorPerSecond: 8 },
          { client: 'b', floorPerSecond: 5 },
        ],
      },
      want: /^clients: floors \(13\/s\) exceed/,
    },
    {
      name: 'aggregate floor above the quota',
      input: { provider: 'x', quota: { requests: 10 }, floorPerSecond: 20 },
      want: /^floorPerSecond: /,
    },
    {
      name: 'duplicate client names its index',
      input: { provider: 'x', quota: { requests: 10 }, clients: [{ client: 'a' }, { client: 'a' }] },
      want: /^clients.1.client: duplicate client "a"/,
    },
    {
      name: 'latency tolerance must be above 1',
      input: { provider: 'x', quota: { requests: 10 }, adaptive: { latencyTolerance: 0.5 } },
      want: /^adaptive.latencyTolerance: /,
    },
  ])('$name', ({ input, want }) => {
    const r = rateLimitPolicyConfigSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toMatch(want);
  });
});
