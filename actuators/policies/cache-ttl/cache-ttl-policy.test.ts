import { describe, expect, it } from 'vitest';
import type { CacheTtlState } from '../../../core/actuator.js';
import type { PastDecision } from '../../../core/policy.js';
import type { HealthSignals } from '../health.js';
import { cacheTtlPolicyConfigSchema } from './config.js';
import { cacheTtlPolicy, type CacheTtlMemory } from './cache-ttl-policy.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const config = cacheTtlPolicyConfigSchema.parse({
  provider: 'maps',
  endpoint: '/geocode',
  baseTtlSeconds: 60,
  maxTtlSeconds: 600,
});
const DEGRADED: HealthSignals = { errorRatio: 0.2 };
const HEALTHY: HealthSignals = { errorRatio: 0, latencyMs: 100, normalLatencyMs: 100, anomalyScore: 0.1 };

/** Runs the policy every 60 s over a health script; returns the TTLs and stale flags. */
function run(script: HealthSignals[]): { ttl: number[]; stale: boolean[]; stages: string[][] } {
  let history: PastDecision<CacheTtlState, CacheTtlMemory>[] = [];
  let current: CacheTtlState | undefined;
  const out = { ttl: [] as number[], stale: [] as boolean[], stages: [] as string[][] };
  script.forEach((health, i) => {
    const nowMs = T0 + i * 60_000;
    const d = cacheTtlPolicy({ nowMs, current, history, config, health });
    history = [...history, { timeMs: nowMs, desired: d.desired, memory: d.memory }];
    current = d.desired;
    out.ttl.push(d.desired.ttlSeconds);
    out.stale.push(d.desired.staleOnError);
    out.stages.push(d.suppressed.map((s) => s.stage));
  });
  return out;
}

describe('cacheTtlPolicy', () => {
  it('stays at the base TTL while healthy', () => {
    expect(run([HEALTHY, HEALTHY, {}]).ttl).toEqual([60, 60, 60]);
  });

  it.each([
    { name: 'error ratio', health: { errorRatio: 0.06 } },
    { name: 'latency against its normal', health: { latencyMs: 250, normalLatencyMs: 100 } },
    { name: 'anomaly score', health: { anomalyScore: 0.9 } },
  ])('lengthens up to the maximum and serves stale on error when degraded by $name', ({ health }) => {
    const r = run([health, health, health, health, health]);
    expect(r.ttl).toEqual([120, 240, 480, 600, 600]);
    expect(r.stale).toEqual([true, true, true, true, true]);
    expect(r.stages[3]).toContain('clamp');
  });

  it('holds the long TTL for holdSeconds, then returns to base gradually', () => {
    const r = run([DEGRADED, DEGRADED, DEGRADED, DEGRADED, ...Array<HealthSignals>(14).fill(HEALTHY)]);
    // 600 s reached; healthy from minute 4; held until 300 s after the last degraded minute (3)
    expect(r.ttl.slice(3, 8)).toEqual([600, 600, 600, 600, 600]);
    expect(r.stages[5]).toContain('stabilise');
    // then at most 25 % shorter per decision, down to the base, stale-on-error until back at base
    expect(r.ttl.slice(8)).toEqual([450, 338, 254, 191, 143, 107, 80, 60, 60, 60]);
    expect(r.stale.slice(8)).toEqual([true, true, true, true, true, true, true, false, false, false]);
    expect(r.stages[8]).toContain('rate_limit');
  });

  it('a relapse during recovery lengthens again at once', () => {
    const r = run([DEGRADED, DEGRADED, ...Array<HealthSignals>(7).fill(HEALTHY), DEGRADED]);
    // 240 held to minute 5, then 180, 135, 101; degraded again at minute 9: doubled at once
    expect(r.ttl.slice(5, 9)).toEqual([240, 180, 135, 101]);
    expect(r.ttl[9]).toBe(202);
    expect(r.stale[9]).toBe(true);
  });

  it.each([
    { mode: 'always', healthy: true },
    { mode: 'never', healthy: false },
  ] as const)('staleOnError $mode', ({ mode, healthy }) => {
    const c = cacheTtlPolicyConfigSchema.parse({ ...config, staleOnError: mode });
    const d = cacheTtlPolicy({ nowMs: T0, current: undefined, history: [], config: c, health: HEALTHY });
    expect(d.desired.staleOnError).toBe(healthy);
    const bad = cacheTtlPolicy({ nowMs: T0, current: undefined, history: [], config: c, health: DEGRADED });
    expect(bad.desired.staleOnError).toBe(mode === 'always');
  });
});

describe('cacheTtlPolicyConfigSchema', () => {
  it.each([
    {
      name: 'base > max names baseTtlSeconds',
      input: { provider: 'p', endpoint: '/e', baseTtlSeconds: 900, maxTtlSeconds: 600 },
      want: /^baseTtlSeconds: baseTtlSeconds \(900\) must not exceed maxTtlSeconds \(600\)/,
    },
    {
      name: 'missing base TTL',
      input: { provider: 'p', endpoint: '/e', maxTtlSeconds: 600 },
      want: /^baseTtlSeconds: /,
    },
    {
      name: 'growth factor of 1 would never lengthen',
      input: { provider: 'p', endpoint: '/e', baseTtlSeconds: 1, maxTtlSeconds: 2, growthFactor: 1 },
      want: /^growthFactor: /,
    },
  ])('$name', ({ input, want }) => {
    const r = cacheTtlPolicyConfigSchema.safeParse(input);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toMatch(want);
  });
});
