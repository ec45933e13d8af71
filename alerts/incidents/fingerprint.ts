import type { IncidentFacts } from './facts.js';

/**
 * What a message said, coarsely: a new message is due only when one of these changed. The
 * magnitude counts in doublings so that noise around a plateau does not re-notify.
 */
export function fingerprint(facts: IncidentFacts): string {
  const top = facts.series[0];
  const doublings = top?.ratio !== undefined && top.ratio > 0 ? Math.floor(Math.log2(top.ratio)) : 0;
  const signals = [...new Set(facts.series.map((s) => s.signal))].sort().join('+');
  // What was done, not which record said so: a policy repeating the same decision each round
  // is not news.
  const actions = [
    ...new Set(facts.actions.map((a) => `${a.policy}:${a.control}:${a.outcome}:${a.from}:${a.to}`)),
  ]
    .sort()
    .join(',');
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
