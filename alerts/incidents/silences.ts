import type { SilenceBody } from '../../core/records/silence.js';
import type { StoredRecord } from '../../core/store.js';

/** What a silence's matchers are compared with: grouping tags, severity and every affected value. */
export interface IncidentLabels {
  readonly tags: Readonly<Record<string, string>>;
  readonly severity: string;
  readonly providers: readonly string[];
  readonly services: readonly string[];
  readonly endpoints: readonly string[];
  readonly signals: readonly string[];
}

/**
 * True when every matcher matches: `provider`, `service`, `endpoint` and `signal` match when the
 * incident's grouping tag has that value or any affected series does (so silencing a service
 * quiets a provider incident that only touches that service); `severity` matches exactly; other
 * keys match the grouping tags. A value ending in `*` matches by prefix.
 */
export function silenceMatches(matchers: Readonly<Record<string, string>>, labels: IncidentLabels): boolean {
  const entries = Object.entries(matchers);
  if (entries.length === 0) return false;
  return entries.every(([key, want]) => {
    const candidates: string[] = [];
    if (labels.tags[key] !== undefined) candidates.push(labels.tags[key]!);
    if (key === 'severity') candidates.push(labels.severity);
    if (key === 'provider') candidates.push(...labels.providers);
    if (key === 'service') candidates.push(...labels.services);
    if (key === 'endpoint') candidates.push(...labels.endpoints);
    if (key === 'signal') candidates.push(...labels.signals);
    return candidates.some((have) => valueMatches(want, have));
  });
}

function valueMatches(want: string, have: string): boolean {
  return want.endsWith('*') ? have.startsWith(want.slice(0, -1)) : have === want;
}

/** The first silence active at `nowMs` that matches, if any. */
export function activeSilence(
  silences: readonly StoredRecord<'silence'>[],
  labels: IncidentLabels,
  nowMs: number,
): StoredRecord<'silence'> | undefined {
  return silences.find((s) => isActive(s.body, nowMs) && silenceMatches(s.body.matchers, labels));
}

export function isActive(silence: SilenceBody, nowMs: number): boolean {
  return silence.startsMs <= nowMs && nowMs < silence.endsMs;
}
