import type { RoutingPolicyConfig } from './config.js';
import type { EndpointHealth } from './endpoint-health.js';

export type CircuitState = 'closed' | 'open' | 'half_open';

/** One endpoint's circuit, carried between decisions. */
export interface Circuit {
  readonly state: CircuitState;
  /** When it entered `state`. */
  readonly sinceMs: number;
  /** Ejections in a row (the ejection time multiplier, as in Envoy). */
  readonly ejections: number;
  /** Healthy probes in a row while half-open. */
  readonly probeSuccesses: number;
}

export interface CircuitStep {
  readonly circuits: Record<string, Circuit>;
  /** Endpoints ejected by this decision (their weight goes at once). */
  readonly ejected: readonly string[];
  /** Ejections not done because no other endpoint could serve. */
  readonly kept: readonly string[];
  readonly notes: readonly string[];
}

const CLOSED: Circuit = { state: 'closed', sinceMs: 0, ejections: 0, probeSuccesses: 0 };

/**
 * Advances every endpoint's circuit one decision:
 * - closed → open on a hard failure, unless no other endpoint would be left serving (never
 *   eject the last one: with nowhere else to go, a failing endpoint beats none);
 * - open → half-open once its ejection time (base × ejections in a row, capped) has passed;
 * - half-open → closed after `successesToClose` healthy probes in a row, → open on a hard failure;
 *   an endpoint without any signal (its probe traffic not measured yet) stays half-open as it is;
 * - a circuit closed for longer than the longest ejection forgets its past ejections.
 * Worst endpoints are ejected first, so "the last one" kept is the least bad.
 */
export function stepCircuits(
  previous: Readonly<Record<string, Circuit>>,
  health: Readonly<Record<string, EndpointHealth>>,
  config: RoutingPolicyConfig,
  nowMs: number,
): CircuitStep {
  const circuits: Record<string, Circuit> = {};
  const notes: string[] = [];
  const ejected: string[] = [];
  const kept: string[] = [];
  const { baseSeconds, maxSeconds } = config.ejection;
  const names = config.endpoints.map((e) => e.name);
  for (const name of names) {
    const c = previous[name] ?? { ...CLOSED, sinceMs: nowMs };
    const h = health[name];
    if (c.state === 'open') {
      const ejectionMs = Math.min(maxSeconds, baseSeconds * Math.max(1, c.ejections)) * 1000;
      circuits[name] =
        nowMs - c.sinceMs >= ejectionMs ? { ...c, state: 'half_open', sinceMs: nowMs, probeSuccesses: 0 } : c;
      if (circuits[name]?.state === 'half_open')
        notes.push(`${name}: ejection of ${ejectionMs / 1000} s over, probing (half-open)`);
    } else if (c.state === 'half_open') {
      if (!h?.evidence) {
        // No probe result yet (the probe traffic has not been measured): neither pass nor fail.
        circuits[name] = c;
        notes.push(`${name}: half-open, waiting for probe results`);
      } else if (h.hard) {
        circuits[name] = { state: 'open', sinceMs: nowMs, ejections: c.ejections + 1, probeSuccesses: 0 };
        ejected.push(name);
        notes.push(`${name}: probe failed (${h.symptoms.join(', ')}), open again`);
      } else if (h?.healthy) {
        const successes = c.probeSuccesses + 1;
        const close = successes >= config.halfOpen.successesToClose;
        circuits[name] = close
          ? { ...c, state: 'closed', sinceMs: nowMs, probeSuccesses: 0 }
          : { ...c, probeSuccesses: successes };
        if (close)
          notes.push(`${name}: ${successes} healthy probes, circuit closed; weight returns gradually`);
      } else {
        circuits[name] = { ...c, probeSuccesses: 0 };
      }
    } else {
      circuits[name] = nowMs - c.sinceMs >= maxSeconds * 1000 && c.ejections > 0 ? { ...c, ejections: 0 } : c;
    }
  }
  // Ejections of closed endpoints, worst first, never leaving no endpoint able to serve.
  const candidates = names
    .filter((n) => circuits[n]?.state === 'closed' && health[n]?.hard)
    .sort((a, b) => (health[a]?.score ?? 0) - (health[b]?.score ?? 0) || a.localeCompare(b));
  for (const name of candidates) {
    const c = circuits[name] as Circuit;
    const others = names.filter((n) => n !== name && circuits[n]?.state !== 'open' && !health[n]?.hard);
    if (others.length === 0) {
      kept.push(name);
      notes.push(
        `${name}: hard failure (${health[name]?.symptoms.join(', ')}) but it is the last endpoint able to serve: not ejected`,
      );
      continue;
    }
    circuits[name] = { state: 'open', sinceMs: nowMs, ejections: c.ejections + 1, probeSuccesses: 0 };
    ejected.push(name);
    const seconds = Math.min(maxSeconds, baseSeconds * (c.ejections + 1));
    notes.push(`${name}: hard failure (${health[name]?.symptoms.join(', ')}), ejected for ${seconds} s`);
  }
  return { circuits, ejected, kept, notes };
}
