/**
 * Series tags. A tag with an empty value is the same as an absent tag (InfluxDB drops empty tag
 * values), so producers omit it.
 */
export type Tags = Readonly<Record<string, string>>;

/** The tag keys a rollup series may carry (DESIGN.md "Telemetry model"). */
export const ROLLUP_TAG_KEYS = [
  'service',
  'provider',
  'endpoint',
  'method',
  'region',
  'status_class',
  'collector',
] as const;
export type RollupTagKey = (typeof ROLLUP_TAG_KEYS)[number];

/**
 * Tag filter: every key must match; a string matches exactly, an array matches any of its values.
 * An empty array matches nothing.
 */
export type TagFilter = Readonly<Record<string, string | readonly string[]>>;

export function matchesFilter(tags: Tags, filter: TagFilter | undefined): boolean {
  if (!filter) return true;
  for (const [key, want] of Object.entries(filter)) {
    const have = tags[key];
    if (have === undefined) return false;
    if (typeof want === 'string' ? have !== want : !want.includes(have)) return false;
  }
  return true;
}

/** Drops empty values and sorts keys, so equal tag sets compare and serialise equally. */
export function normalizeTags(tags: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/** Canonical string key of a measurement + tag set (keys sorted); usable as a Map key. */
export function seriesKey(measurement: string, tags: Tags): string {
  let key = measurement;
  for (const k of Object.keys(tags).sort()) {
    const v = tags[k];
    if (v === undefined || v === '') continue;
    key += `,${k}=${v}`;
  }
  return key;
}

/** Tags with `omit` keys removed (e.g. `collector` to merge replicas into one logical series). */
export function withoutTags(tags: Tags, omit: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) if (!omit.includes(k)) out[k] = v;
  return out;
}
