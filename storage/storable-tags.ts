import { HeadroomError } from '../core/errors.js';
import type { TagFilter, Tags } from '../core/tags.js';

/**
 * Tag keys both stores accept: a letter, then letters, digits, `_`, `.` or `-`. `time` is
 * InfluxQL's own column; keys starting with `_` are reserved for the stores' own columns.
 */
const TAG_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** Trailing backslashes are replaced by this look-alike (U+FF3C FULLWIDTH REVERSE SOLIDUS). */
const TRAILING_BACKSLASH_STANDIN = '\uFF3C';

/**
 * The form in which a tag value is stored, identical in both stores so that the conformance
 * suite holds. InfluxDB line protocol (1.x) escapes `,`, `=` and space, but it cannot carry:
 * - a newline or carriage return (they end the line): written as the two characters `\n` / `\r`,
 *   as Telegraf's serializer does;
 * - a trailing backslash (it escapes the separator after it: "invalid tag format"): each one at
 *   the end is replaced by U+FF3C.
 * Everything else (unicode, emoji, quotes, inner backslashes, tabs) is kept as is. Idempotent.
 */
export function storableTagValue(value: string): string {
  let out =
    value.includes('\n') || value.includes('\r') ? value.replace(/\r/g, '\\r').replace(/\n/g, '\\n') : value;
  if (out.endsWith('\\')) {
    let end = out.length;
    while (end > 0 && out[end - 1] === '\\') end--;
    out = out.slice(0, end) + TRAILING_BACKSLASH_STANDIN.repeat(out.length - end);
  }
  return out;
}

export function assertTagKey(key: string): void {
  if (!TAG_KEY.test(key) || key === 'time') {
    throw new HeadroomError(
      'invalid_tag_key',
      `tag key ${JSON.stringify(key)} is not allowed: use a letter then letters, digits, "_", "." or "-" (not "time")`,
    );
  }
}

/** Tags as stored: keys checked and sorted, values made storable, empty values dropped. */
export function storableTags(tags: Tags): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key];
    if (value === undefined || value === '') continue;
    assertTagKey(key);
    out[key] = storableTagValue(value);
  }
  return out;
}

/**
 * A filter on stored tags: values made storable so that filtering by the original value finds
 * the stored one. An empty value means "absent", and an absent tag never matches a filter
 * (core `matchesFilter`), so empty values are removed: `{ k: '' }` becomes `{ k: [] }`, which
 * matches nothing (InfluxQL's `k = ''` would match the series without `k`: not what we want).
 */
export function storableFilter(filter: TagFilter | undefined): TagFilter | undefined {
  if (!filter) return undefined;
  const out: Record<string, string | readonly string[]> = {};
  for (const [key, want] of Object.entries(filter)) {
    assertTagKey(key);
    if (typeof want === 'string') out[key] = want === '' ? [] : storableTagValue(want);
    else out[key] = want.filter((v) => v !== '').map(storableTagValue);
  }
  return out;
}

/** True when the filter can match nothing (an any-of with no values). */
export function filterMatchesNothing(filter: TagFilter | undefined): boolean {
  return !!filter && Object.values(filter).some((want) => typeof want !== 'string' && want.length === 0);
}
