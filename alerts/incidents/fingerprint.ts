import type { IncidentFacts } from './facts.js';

/**
 * What a message said, coarsely: a new message is due only when one of these changed. The
 * magnitude counts in doublings so that noise around a plateau does not re-notify.
 */
export function fingerprint(facts: IncidentFacts): string {
  const top = facts.series[0];
  const doublings = top?.ratio !== undefined && top.ratio > 0 ? Math.floor(Math.log2(top.ratio)) : 0;
  const signals = [...new Set(facts.series.map((s) => s.signal))].sort().join('+');
  const actions = facts.actions.map((a) => `${a.id}:${a.outcome}`).join(',');
  return [
    facts.severity,
    facts.providerCount,
    facts.serviceCount,
    facts.endpointCount,
    signals,
    top?.key ?? '',
    doublings,
    actions,
  ].join('|');
}
