import { describe, expect, it } from 'vitest';
import type { Forecast } from '../../../core/forecaster.js';
import type { PastDecision } from '../../../core/policy.js';
import type { ReplicasState } from '../../../core/actuator.js';
import { scalingPolicyConfigSchema, type ScalingPolicyConfigInput } from './config.js';
import { scalingPolicy, type ScalingInput, type ScalingMemory } from './scaling-policy.js';
import type { ViolationBudget } from './violation-budget.js';

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const STEP = 60_000;

/** A forecast from NOW on, one value per minute, p90 = given values, p50 = 90 % of them. */
function forecast(p90: number[]): Forecast {
  return {
    startMs: NOW,
    stepMs: STEP,
    p10: Float64Array.from(p90.map((v) => v * 0.8)),
    p50: Float64Array.from(p90.map((v) => v * 0.9)),
    p90: Float64Array.from(p90),
    modelId: 'fake',
    modelVersion: '1',
  };
}

function past(
  entries: [secondsAgo: number, replicas: number, recommendation: number][],
): PastDecision<ReplicasState, ScalingMemory>[] {
  return entries.map(([ago, replicas, recommendation]) => ({
    timeMs: NOW - ago * 1000,
    desired: { replicas },
    memory: { recommendation },
  }));
}

interface Case {
  name: string;
  config?: Partial<ScalingPolicyConfigInput>;
  current?: number;
  load?: number;
  p90?: number[];
  forecastMissing?: 'warming_up' | 'failed';
  history?: [number, number, number][];
  want: number;
  suppressedStage?: string;
  reason?: RegExp;
}

const cases: Case[] = [
  // calculate: the larger of current load and forecast wins
  {
    name: 'forecast larger than current load wins',
    current: 4,
    load: 35,
    p90: [40, 62, 20],
    want: 7,
    reason: /forecast p90 \(band × 1, shortfall budget: 0 own vs 0 for a shadow HPA so far\) peaks at 62/,
  },
  {
    name: 'without the shortfall budget the band is calibrated online',
    config: { violationBudget: { mode: 'off' } },
    current: 4,
    load: 35,
    p90: [40, 62, 20],
    want: 7,
    reason: /forecast p90 \(band × 1, calibrated online\) peaks at 62/,
  },
  {
    name: 'current load larger than forecast wins',
    current: 4,
    load: 80,
    p90: [30, 30],
    want: 8,
    reason: /current load 80 needs 8/,
  },
  {
    name: 'forecast beyond now + startup delay is ignored',
    current: 1,
    load: 5,
    p90: [10, 10, 500],
    want: 1,
  },
  {
    name: 'lookahead extends the forecast window',
    config: { lookaheadSeconds: 60 },
    current: 1,
    load: 5,
    p90: [10, 10, 500],
    want: 50,
  },
  {
    name: 'scale-in when forecast and current load agree',
    current: 10,
    load: 30,
    p90: [35, 35],
    want: 4,
    reason: /scale 10 → 4/,
  },
  { name: 'no scale-in while the forecast needs more', current: 10, load: 30, p90: [35, 95], want: 10 },
  { name: 'no scale-in while the current load needs more', current: 10, load: 95, p90: [30, 30], want: 10 },
  {
    name: 'no scale-in without a forecast (model failed)',
    current: 10,
    load: 30,
    forecastMissing: 'failed',
    want: 10,
    suppressedStage: 'calculate',
    reason: /forecast and current load to agree; a forecast is missing/,
  },
  {
    name: 'no scale-in without current load',
    current: 10,
    load: Number.NaN,
    p90: [30, 30],
    want: 10,
    suppressedStage: 'calculate',
    reason: /current load is missing/,
  },
  {
    name: 'scale-up on current load without a forecast',
    current: 2,
    load: 40,
    forecastMissing: 'failed',
    want: 5,
    reason: /utilisation 0.8/,
  },
  {
    name: 'warming up: both directions on current load at HPA headroom',
    current: 10,
    load: 30,
    forecastMissing: 'warming_up',
    want: 4,
    reason: /warming up/,
  },
  {
    name: 'no load and no forecast: hold',
    current: 6,
    load: undefined,
    forecastMissing: 'failed',
    want: 6,
    reason: /holding 6 replicas/,
  },
  {
    name: 'a forecast too short for the window counts as missing',
    current: 10,
    load: 30,
    p90: [30],
    want: 10,
    suppressedStage: 'calculate',
  },
  // tolerance
  {
    name: 'scale-up within tolerance is skipped',
    current: 10,
    load: 108,
    p90: [100, 100],
    want: 10,
    reason: /within tolerance 0.1/,
  },
  { name: 'scale-up past tolerance happens', current: 10, load: 112, p90: [100, 100], want: 12 },
  {
    name: 'scale-down within tolerance is skipped',
    current: 10,
    load: 85,
    p90: [85, 85],
    want: 10,
    reason: /within tolerance 0.2/,
  },
  { name: 'scale-down past tolerance happens', current: 10, load: 75, p90: [75, 75], want: 8 },
  // stabilise
  {
    name: 'down window holds the highest recent recommendation',
    current: 10,
    load: 30,
    p90: [30, 30],
    history: [
      [200, 10, 9],
      [100, 10, 7],
    ],
    want: 9,
    suppressedStage: 'stabilise',
    reason: /scale-down 10 → 3 held at 9/,
  },
  {
    name: 'down window: recommendations older than the window do not hold',
    current: 10,
    load: 30,
    p90: [30, 30],
    history: [
      [400, 10, 10],
      [200, 10, 3],
    ],
    want: 3,
  },
  {
    name: 'separate up window holds scale-up',
    config: { scaleUp: { stabilizationWindowSeconds: 120 } },
    current: 4,
    load: 90,
    p90: [90, 90],
    history: [
      [90, 4, 6],
      [30, 4, 8],
    ],
    want: 6,
    suppressedStage: 'stabilise',
    reason: /scale-up 4 → 9 held at 6/,
  },
  {
    name: 'up window 0 (default): scale-up at once despite history',
    current: 4,
    load: 90,
    p90: [90, 90],
    history: [[30, 4, 4]],
    want: 9,
  },
  // rate of change
  {
    name: 'at most N changes per period: scale-down suppressed',
    config: { scaleDown: { maxChanges: 1, periodSeconds: 600 } },
    current: 10,
    load: 30,
    p90: [30, 30],
    history: [
      [500, 8, 8],
      [400, 10, 10],
    ],
    want: 10,
    suppressedStage: 'rate_limit',
    reason: /1 changes in the last 600 s \(limit 1\)/,
  },
  {
    name: 'changes older than the period do not count',
    config: { scaleDown: { maxChanges: 1, periodSeconds: 600 } },
    current: 10,
    load: 30,
    p90: [30, 30],
    history: [
      [900, 8, 8],
      [700, 10, 10],
      [400, 10, 3],
    ],
    want: 3,
  },
  {
    name: 'scale-up budget is separate and unlimited by default',
    config: { scaleDown: { maxChanges: 1 } },
    current: 4,
    load: 90,
    p90: [90, 90],
    history: [
      [200, 5, 5],
      [100, 4, 4],
    ],
    want: 9,
  },
  {
    name: 'max step percent limits one move',
    config: { scaleDown: { maxStepPercent: 50 } },
    current: 10,
    load: 20,
    p90: [20, 20],
    want: 5,
    suppressedStage: 'rate_limit',
    reason: /limited to 5/,
  },
  {
    name: 'max step is at least one replica',
    config: { scaleUp: { maxStepPercent: 10 } },
    current: 2,
    load: 90,
    p90: [90, 90],
    want: 3,
  },
  // clamp
  { name: 'clamped to minReplicas', config: { minReplicas: 3 }, current: 3, load: 5, p90: [5, 5], want: 3 },
  {
    name: 'clamped to maxReplicas',
    config: { maxReplicas: 8 },
    current: 4,
    load: 120,
    p90: [120, 120],
    want: 8,
    suppressedStage: 'clamp',
    reason: /outside \[1, 8\]/,
  },
  {
    name: 'minReplicas 0 allows scale to zero',
    config: { minReplicas: 0 },
    current: 2,
    load: 0,
    p90: [0, 0],
    want: 0,
  },
];

describe('scalingPolicy', () => {
  it.each(cases)('$name', (c) => {
    const config = scalingPolicyConfigSchema.parse({
      service: 'api',
      capacityPerReplica: 10,
      startupDelaySeconds: 60,
      ...c.config,
    });
    const input: ScalingInput = {
      nowMs: NOW,
      current: c.current === undefined ? undefined : { replicas: c.current },
      config,
      history: past(c.history ?? []),
      currentLoad: c.load,
      forecast: c.p90 ? forecast(c.p90) : undefined,
      ...(c.forecastMissing ? { forecastMissing: c.forecastMissing } : {}),
    };
    const decision = scalingPolicy(input);
    expect(decision.desired.replicas).toBe(c.want);
    expect(decision.changed).toBe(c.want !== c.current);
    if (c.suppressedStage) expect(decision.suppressed.map((s) => s.stage)).toContain(c.suppressedStage);
    else if (c.want === c.current || c.reason === undefined)
      expect(decision.reasons.length).toBeGreaterThan(0);
    if (c.reason)
      expect([...decision.reasons, ...decision.suppressed.map((s) => s.reason)].join('\n')).toMatch(c.reason);
  });

  it('remembers the raw recommendation for the next decision, not the stabilised value', () => {
    const config = scalingPolicyConfigSchema.parse({ service: 'api', capacityPerReplica: 10 });
    const decision = scalingPolicy({
      nowMs: NOW,
      current: { replicas: 10 },
      config,
      history: past([[100, 10, 9]]),
      currentLoad: 30,
      forecast: forecast([30, 30]),
    });
    expect(decision.desired.replicas).toBe(9);
    expect(decision.memory.recommendation).toBe(3);
  });

  it('is pure: the same input gives the same decision and the input is not modified', () => {
    const config = scalingPolicyConfigSchema.parse({ service: 'api', capacityPerReplica: 10 });
    const history = past([[100, 10, 9]]);
    const input: ScalingInput = {
      nowMs: NOW,
      current: { replicas: 10 },
      config,
      history,
      currentLoad: 30,
      forecast: forecast([30, 30]),
    };
    const before = JSON.stringify(history);
    expect(scalingPolicy(input)).toEqual(scalingPolicy(input));
    expect(JSON.stringify(history)).toBe(before);
  });

  it('takes the current replicas from the last decision when the target cannot tell', () => {
    const config = scalingPolicyConfigSchema.parse({ service: 'api', capacityPerReplica: 10 });
    const decision = scalingPolicy({
      nowMs: NOW,
      current: undefined,
      config,
      history: past([[60, 6, 6]]),
      currentLoad: 61,
      forecast: forecast([61, 61]),
    });
    expect(decision.desired.replicas).toBe(6);
    expect(decision.changed).toBe(false);
  });

  describe('with the shortfall budget against a shadow HPA', () => {
    const config = scalingPolicyConfigSchema.parse({
      service: 'api',
      capacityPerReplica: 10,
      startupDelaySeconds: 60,
      violationBudget: { mode: 'hpa' },
    });
    /** A budget one interval old, holding `scale`, whose own pool and shadow HPA hold `replicas`. */
    function budget(scale: number, replicas: number): ViolationBudget {
      const before = NOW - STEP;
      const pool = { spec: replicas, starting: [], sinceMs: before };
      return {
        scale,
        own: pool,
        hpa: { pool, recent: [[before, replicas]] },
        violations: { own: 0, hpa: 0 },
      };
    }
    // p90 peaks at 62 within the delay, p50 there is 55.8: band × s sizes on 55.8 + 6.2 s.
    it.each([
      {
        name: 'first decision: band as published, 62 needs 7',
        memory: undefined,
        load: 35,
        want: 7,
        scale: 1,
      },
      { name: 'narrowed band: 58.9 needs 6', memory: budget(0.5, 5), load: 35, want: 6, scale: 0.5 },
      { name: 'widened band: 74.4 needs 8', memory: budget(3, 5), load: 35, want: 8, scale: 3 },
      {
        name: 'the shadow HPA (5 replicas = 50) was short of 55 and the policy (7) was not: narrower',
        memory: budget(1, 7),
        load: 55,
        want: 7,
        scale: Math.exp(-0.05 * 0.8),
      },
      {
        name: 'the policy (3 replicas = 30) was short of 35 and the shadow HPA (5) was not: wider',
        memory: budget(1, 3),
        load: 35,
        want: 7,
        scale: Math.exp(0.05),
      },
    ])('$name', ({ memory, load, want, scale }) => {
      const hpaMemory = memory && { ...memory, hpa: budget(1, 5).hpa };
      const replicas = memory?.own?.spec;
      const decision = scalingPolicy({
        nowMs: NOW,
        current: replicas === undefined ? undefined : { replicas },
        config,
        history:
          replicas === undefined || !hpaMemory
            ? []
            : [
                {
                  timeMs: NOW - STEP,
                  desired: { replicas },
                  memory: { recommendation: replicas, budget: hpaMemory },
                },
              ],
        currentLoad: load,
        forecast: forecast([40, 62, 20]),
      });
      expect(decision.desired.replicas).toBe(want);
      expect(decision.memory.budget?.scale).toBeCloseTo(scale, 12);
      expect(decision.memory.calibration).toBeUndefined();
      expect(decision.memory.budget?.own?.spec).toBe(want);
      expect(decision.reasons.join('\n')).toMatch(/shortfall budget: \d+ own vs \d+ for a shadow HPA/);
    });
  });
});
