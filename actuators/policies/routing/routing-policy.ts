import type { RoutingState } from '../../../core/actuator.js';
import type { Decision, PolicyContext, Suppression } from '../../../core/policy.js';
import { fmt } from '../health.js';
import { stepCircuits, type Circuit } from './circuits.js';
import type { RoutingPolicyConfig } from './config.js';
import { endpointHealth, type EndpointHealth, type EndpointSignals } from './endpoint-health.js';
import { shiftWeights } from './shift-weights.js';

export interface RoutingMemory {
  readonly circuits: Readonly<Record<string, Circuit>>;
}

export interface RoutingInput extends PolicyContext<RoutingState, RoutingPolicyConfig, RoutingMemory> {
  /** Latest health per endpoint name; a missing endpoint has no evidence either way. */
  readonly endpoints: Readonly<Record<string, EndpointSignals>>;
}

export type RoutingDecision = Decision<RoutingState, RoutingMemory>;

/**
 * Weights across one provider's endpoints:
 * 1. calculate: score each endpoint's health (error ratio, latency against its normal, anomaly
 *    score), advance its circuit (closed / open / half-open with probing, Envoy-style ejection
 *    times, never the last endpoint able to serve), fail over to backups when no primary is
 *    closed, enter panic (Envoy healthy_panic_threshold: route to every endpoint by base weight)
 *    when too few of the active endpoints are healthy; target = base weight × health score, a
 *    fixed probe weight for half-open endpoints.
 * 2. stabilise: circuits are the stabilisation (an ejection lasts its time; a circuit closes
 *    only after healthy probes in a row).
 * 3. rate limit: at most `maxShiftPercent` points move per decision, except that ejected
 *    endpoints lose their weight at once and panic applies at once.
 * 4. clamp: integer weights summing to 100.
 */
export function routingPolicy(input: RoutingInput): RoutingDecision {
  const { config, nowMs } = input;
  const last = input.history[input.history.length - 1];
  const names = config.endpoints.map((e) => e.name);
  const suppressed: Suppression<RoutingState>[] = [];
  const details: string[] = [];

  // 1. calculate: health and circuits
  const health: Record<string, EndpointHealth> = {};
  for (const name of names) health[name] = endpointHealth(input.endpoints[name], config);
  const step = stepCircuits(last?.memory.circuits ?? {}, health, config, nowMs);
  const circuits = step.circuits;
  details.push(...step.notes);
  for (const name of step.kept) {
    suppressed.push({
      stage: 'calculate',
      wanted: { weights: { [name]: 0 }, down: [name], backup: [] },
      reason: `ejection of ${name} suppressed: no other endpoint can serve`,
    });
  }
  const state = (n: string) => circuits[n]?.state ?? 'closed';
  const primaries = config.endpoints.filter((e) => e.role === 'primary').map((e) => e.name);
  const backups = config.endpoints.filter((e) => e.role === 'backup').map((e) => e.name);
  const failover = !primaries.some((n) => state(n) === 'closed') && backups.some((n) => state(n) !== 'open');
  const active = failover ? [...backups, ...primaries.filter((n) => state(n) === 'half_open')] : primaries;
  if (failover) details.push(`no primary can serve: failing over to backups ${backups.join(', ')}`);

  const healthyCount = active.filter((n) => state(n) !== 'open' && !health[n]?.hard).length;
  const panic = active.length > 0 && (healthyCount * 100) / active.length < config.panicThresholdPercent;
  const baseWeight = (n: string) => config.endpoints.find((e) => e.name === n)?.weight ?? 1;
  const target: Record<string, number> = {};
  for (const n of names) target[n] = 0;
  if (panic) {
    for (const n of active) target[n] = baseWeight(n);
    details.push(
      `panic: ${healthyCount} of ${active.length} endpoints healthy (< ${config.panicThresholdPercent} %): routing to all of them by base weight`,
    );
  } else {
    const probing = active.filter((n) => state(n) === 'half_open');
    const closed = active.filter((n) => state(n) === 'closed');
    const probeTotal = closed.length > 0 ? probing.length * config.halfOpen.probeWeightPercent : 100;
    for (const n of probing)
      target[n] = closed.length > 0 ? config.halfOpen.probeWeightPercent : 100 / probing.length;
    const scored = closed.map((n) => baseWeight(n) * (health[n]?.score ?? 1));
    const scoredTotal = scored.reduce((s, v) => s + v, 0);
    const baseTotal = closed.reduce((s, n) => s + baseWeight(n), 0);
    closed.forEach((n, i) => {
      const share = scoredTotal > 0 ? (scored[i] ?? 0) / scoredTotal : baseWeight(n) / baseTotal;
      target[n] = share * Math.max(0, 100 - probeTotal);
    });
    for (const n of closed) {
      const h = health[n];
      if (h && !h.healthy && !h.hard)
        details.push(`${n}: ${h.symptoms.join(', ')}: health ${fmt(h.score)} of its base weight`);
    }
  }

  // 3. rate limit
  const baseline = input.current?.weights ?? last?.desired.weights ?? target;
  const removeNow = new Set(names.filter((n) => !panic && (state(n) === 'open' || !active.includes(n))));
  const shift = shiftWeights(names, baseline, target, panic ? 100 : config.maxShiftPercent, removeNow);
  if (shift.limited) {
    suppressed.push({
      stage: 'rate_limit',
      wanted: { weights: roundTarget(target), down: [], backup: [] },
      reason: `moved ${fmt(shift.shiftedPercent)} points of weight towards the target (at most ${config.maxShiftPercent} per decision)`,
    });
  }

  // 4. clamp + 5. record
  const desired: RoutingState = {
    weights: shift.weights,
    down: panic ? [] : names.filter((n) => state(n) === 'open'),
    backup: failover ? [] : backups,
  };
  const changed = input.current === undefined || !sameRouting(input.current, desired);
  const summary = `${changed ? 'route' : 'keep'} ${config.provider}: ${names.map((n) => `${n} ${desired.weights[n] ?? 0}`).join(', ')}${
    desired.down.length > 0 ? `; down: ${desired.down.join(', ')}` : ''
  }${panic ? ' (panic)' : failover ? ' (failover)' : ''}`;
  return { desired, changed, reasons: [summary, ...details], suppressed, memory: { circuits } };
}

function roundTarget(target: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [n, v] of Object.entries(target)) out[n] = Math.round(v * 100) / 100;
  return out;
}

function sameRouting(a: RoutingState, b: RoutingState): boolean {
  const keys = new Set([...Object.keys(a.weights), ...Object.keys(b.weights)]);
  for (const k of keys) if ((a.weights[k] ?? 0) !== (b.weights[k] ?? 0)) return false;
  const same = (x: string[], y: string[]) =>
    x.length === y.length && [...x].sort().every((v, i) => v === [...y].sort()[i]);
  return same(a.down, b.down) && same(a.backup, b.backup);
}
