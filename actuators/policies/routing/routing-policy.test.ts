import { describe, expect, it } from 'vitest';
import type { RoutingState } from '../../../core/actuator.js';
import type { PastDecision } from '../../../core/policy.js';
import { routingPolicyConfigSchema, type RoutingPolicyConfigInput } from './config.js';
import type { EndpointSignals } from './endpoint-health.js';
import { routingPolicy, type RoutingDecision, type RoutingMemory } from './routing-policy.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const OK: EndpointSignals = { errorRatio: 0, latencyMs: 100, normalLatencyMs: 100 };
const DOWN: EndpointSignals = { hardFailure: true };
const three = { provider: 'pay', endpoints: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };

/** Runs one decision every 10 s over a script of endpoint health. */
function run(
  configInput: RoutingPolicyConfigInput,
  script: Record<string, EndpointSignals>[],
): RoutingDecision[] {
  const config = routingPolicyConfigSchema.parse(configInput);
  let history: PastDecision<RoutingState, RoutingMemory>[] = [];
  let current: RoutingState | undefined;
  return script.map((endpoints, i) => {
    const nowMs = T0 + i * 10_000;
    const d = routingPolicy({ nowMs, current, history, config, endpoints });
    history = [...history, { timeMs: nowMs, desired: d.desired, memory: d.memory }];
    current = d.desired;
    return d;
  });
}

const weights = (d: RoutingDecision | undefined) => d?.desired.weights;

describe('routingPolicy', () => {
  it('splits by base weight while everything is healthy', () => {
    const [d] = run({ ...three, endpoints: [{ name: 'a', weight: 2 }, { name: 'b' }, { name: 'c' }] }, [
      { a: OK, b: OK, c: OK },
    ]);
    expect(weights(d)).toEqual({ a: 50, b: 25, c: 25 });
    expect(d?.desired.down).toEqual([]);
  });

  it.each([
    {
      name: 'latency 3× normal',
      signals: { latencyMs: 300, normalLatencyMs: 100 },
      want: { a: 28, b: 36, c: 36 },
    },
    { name: 'error ratio 0.1', signals: { errorRatio: 0.1 }, want: { a: 28, b: 36, c: 36 } },
    {
      name: 'anomaly 0.9 alone takes at most half',
      signals: { anomalyScore: 0.9 },
      want: { a: 22, b: 39, c: 39 },
    },
  ])('weights a degraded endpoint by its health: $name', ({ signals, want }) => {
    const d = run(three, [
      { a: OK, b: OK, c: OK },
      { a: signals, b: OK, c: OK },
    ]);
    expect(weights(d[1])).toEqual(want);
  });

  it('moves at most maxShiftPercent of weight per decision on soft degradation', () => {
    const d = run(three, [
      { a: OK, b: OK, c: OK },
      ...Array(3).fill({ a: { errorRatio: 0.4 }, b: OK, c: OK }),
    ]);
    // target a = 0.2 / 2.2 of 100 ≈ 9; 34 → 9 is 25 points: 20 now, the rest next time
    expect(weights(d[1])).toEqual({ a: 14, b: 43, c: 43 });
    expect(d[1]?.suppressed.map((s) => s.stage)).toEqual(['rate_limit']);
    expect(weights(d[2])).toEqual({ a: 9, b: 46, c: 45 });
  });

  it('ejects a hard failure at once, beyond maxShiftPercent, and marks it down', () => {
    const d = run(three, [
      { a: OK, b: OK, c: OK },
      { a: { errorRatio: 0.9 }, b: OK, c: OK },
    ]);
    expect(weights(d[1])).toEqual({ a: 0, b: 50, c: 50 });
    expect(d[1]?.desired.down).toEqual(['a']);
    expect(d[1]?.reasons.join('\n')).toMatch(/a: hard failure \(error ratio 0.900\), ejected for 30 s/);
    expect(d[1]?.memory.circuits.a?.state).toBe('open');
  });

  it('never ejects the last endpoint able to serve', () => {
    const d = run({ ...three, panicThresholdPercent: 0 }, [
      { a: OK, b: OK, c: OK },
      { a: DOWN, b: DOWN, c: OK },
      { a: DOWN, b: DOWN, c: DOWN },
    ]);
    expect(d[1]?.desired.down).toEqual(['a', 'b']);
    expect(weights(d[2])).toEqual({ a: 0, b: 0, c: 100 });
    expect(d[2]?.desired.down).toEqual(['a', 'b']);
    expect(d[2]?.suppressed.map((s) => s.reason)).toEqual([
      'ejection of c suppressed: no other endpoint can serve',
    ]);
  });

  it('probes an ejected endpoint half-open, closes it after healthy probes and returns its weight gradually', () => {
    const script = [
      { a: OK, b: OK, c: OK },
      { a: DOWN, b: OK, c: OK },
      ...Array(12).fill({ a: OK, b: OK, c: OK }),
    ];
    const d = run(three, script);
    const states = d.map((x) => x.memory.circuits.a?.state);
    // ejected at 10 s for 30 s; half-open at 40 s; 3 healthy probes close it at 70 s
    expect(states.slice(1, 9)).toEqual([
      'open',
      'open',
      'open',
      'half_open',
      'half_open',
      'half_open',
      'closed',
      'closed',
    ]);
    expect(d.slice(4, 7).map((x) => x.desired.weights.a)).toEqual([5, 5, 5]);
    expect(d[4]?.desired.down).toEqual([]);
    // back at most 20 points per decision: 5 → 25 → 34
    expect(d.slice(7, 10).map((x) => x.desired.weights.a)).toEqual([25, 34, 34]);
  });

  it('counts only measured probes: a half-open endpoint without signals neither passes nor fails', () => {
    const up = { a: OK, b: OK, c: OK };
    const unmeasured = { b: OK, c: OK };
    const d = run(three, [up, { a: DOWN, b: OK, c: OK }, up, up, up, unmeasured, unmeasured, up, up, up]);
    // half-open at 40 s; 50 s and 60 s bring no evidence; healthy probes at 70, 80, 90 s close it.
    expect(d.slice(4, 10).map((x) => x.memory.circuits.a?.state)).toEqual([
      'half_open',
      'half_open',
      'half_open',
      'half_open',
      'half_open',
      'closed',
    ]);
    expect(d.slice(5, 9).map((x) => x.memory.circuits.a?.probeSuccesses)).toEqual([0, 0, 1, 2]);
    expect(d[5]?.reasons.join('\n')).toMatch(/a: half-open, waiting for probe results/);
    expect(d[5]?.desired.weights.a).toBe(5);
  });

  it('re-opens on a failed probe with a longer ejection', () => {
    const d = run(three, [
      { a: OK, b: OK, c: OK },
      { a: DOWN, b: OK, c: OK },
      { a: OK, b: OK, c: OK },
      { a: OK, b: OK, c: OK },
      { a: OK, b: OK, c: OK },
      { a: DOWN, b: OK, c: OK },
    ]);
    expect(d[4]?.memory.circuits.a?.state).toBe('half_open');
    expect(d[5]?.memory.circuits.a).toMatchObject({ state: 'open', ejections: 2 });
    expect(d[5]?.desired.weights.a).toBe(0);
    expect(d[5]?.reasons.join('\n')).toMatch(/probe failed/);
  });

  it('enters panic when most endpoints are unhealthy: routes to all by base weight', () => {
    const four = { provider: 'pay', endpoints: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }] };
    const d = run(four, [
      { a: OK, b: OK, c: OK, d: OK },
      { a: DOWN, b: DOWN, c: DOWN, d: OK },
    ]);
    expect(weights(d[1])).toEqual({ a: 25, b: 25, c: 25, d: 25 });
    expect(d[1]?.desired.down).toEqual([]);
    expect(d[1]?.reasons[0]).toMatch(/\(panic\)/);
    expect(d[1]?.reasons.join('\n')).toMatch(/panic: 1 of 4 endpoints healthy/);
  });

  it('fails over to backups when no primary can serve, and back when one recovers', () => {
    const cfg = {
      provider: 'sms',
      endpoints: [{ name: 'primary' }, { name: 'backup', role: 'backup' as const }],
    };
    const up = { primary: OK, backup: OK };
    const d = run(cfg, [up, { primary: DOWN, backup: OK }, ...Array(8).fill(up)]);
    expect(d[0]?.desired).toEqual({ weights: { primary: 100, backup: 0 }, down: [], backup: ['backup'] });
    expect(d[1]?.desired).toEqual({ weights: { primary: 0, backup: 100 }, down: ['primary'], backup: [] });
    expect(d[1]?.reasons[0]).toMatch(/failover/);
    // primary half-open at 40 s (probe weight), closed after 3 probes at 70 s, then back
    expect(d[4]?.desired.weights).toEqual({ primary: 5, backup: 95 });
    expect(d[7]?.desired).toEqual({ weights: { primary: 100, backup: 0 }, down: [], backup: ['backup'] });
  });
});

describe('routingPolicyConfigSchema', () => {
  it.each([
    {
      name: 'duplicate endpoint names its index',
      input: { provider: 'p', endpoints: [{ name: 'a' }, { name: 'a' }] },
      want: /^endpoints.1.name: duplicate endpoint "a"/,
    },
    {
      name: 'no primary',
      input: { provider: 'p', endpoints: [{ name: 'a', role: 'backup' }] },
      want: /^endpoints: at least one endpoint must be a primary/,
    },
    { name: 'no endpoints', input: { provider: 'p', endpoints: [] }, want: /^endpoints: / },
    {
      name: 'ejection base above max',
      input: { provider: 'p', endpoints: [{ name: 'a' }], ejection: { baseSeconds: 600, maxSeconds: 60 } },
      want: /^ejection.baseSeconds: /,
    },
    {
      name: 'degraded threshold above ejection threshold',
      input: { provider: 'p', endpoints: [{ name: 'a' }], degradedWhen: { errorRatio: 0.6 } },
      want: /^degradedWhen.errorRatio: must not exceed ejectWhen.errorRatio/,
    },
  ])('$name', ({ input, want }) => {
    const r = routingPolicyConfigSchema.safeParse(input);
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toMatch(want);
  });
});
