import type { RollupPoint } from '../../core/rollup.js';
import type { StoredRecord } from '../../core/store.js';
import type { Tags } from '../../core/tags.js';

/** Measurement holding every record kind (tag `_kind`); rollups use their own measurement. */
export const RECORDS_MEASUREMENT = 'records';

/** A line and the series it belongs to (the writer keeps one series' lines in order). */
export interface Line {
  readonly seriesKey: string;
  readonly text: string;
}

const TAG_SPECIAL = /[,= ]/;
const TAG_SPECIAL_ALL = /[,= ]/g;

/**
 * Escapes a tag key or value for line protocol (1.x): `,`, `=` and space get a backslash. Values
 * are already storable (storage/storable-tags.ts: no newline, no trailing backslash), and inner
 * backslashes need no escape: 1.x keeps them as they are.
 */
export function escapeTag(value: string): string {
  return TAG_SPECIAL.test(value) ? value.replace(TAG_SPECIAL_ALL, '\\$&') : value;
}

/** A string field value: inside double quotes, `"` and `\` are escaped. */
export function escapeStringField(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** Floats are written without the `i` suffix; JS number text (incl. 1e-7, 1e+21) parses in Go. */
function float(v: number): string {
  return String(v);
}

function seriesKey(measurement: string, tags: Tags): string {
  let key = measurement;
  for (const k of Object.keys(tags).sort()) key += `,${escapeTag(k)}=${escapeTag(tags[k] ?? '')}`;
  return key;
}

/**
 * One rollup point as a line with a nanosecond timestamp. Field types never vary (InfluxDB
 * rejects a type change with "field type conflict"): `count`, `errors` integers; everything else
 * floats, each histogram bucket a field `h<i>`. Tags must be storable and sorted (validatePoints).
 */
export function rollupLine(p: RollupPoint): Line {
  const key = seriesKey(p.measurement, p.tags);
  let fields = `count=${p.count}i,errors=${p.errors}i,duration_sum_ms=${float(p.durationSumMs)},duration_max_ms=${float(p.durationMaxMs)}`;
  for (const i in p.histogram) fields += `,h${i}=${float(p.histogram[i] ?? 0)}`;
  return { seriesKey: key, text: `${key} ${fields} ${p.timeMs}000000` };
}

/**
 * One record as a line: tags `_kind` + the record's tags; string fields `_id`, `_tags` (JSON, so
 * a query returns them without GROUP BY) and `_body` (JSON). The timestamp is the record's time
 * plus its id slot in nanoseconds (storage/record-time.ts), so rewriting an id replaces its point.
 */
export function recordLine(r: StoredRecord, timeNs: string): Line {
  const key = seriesKey(RECORDS_MEASUREMENT, { _kind: r.kind, ...r.tags });
  const fields =
    `_id=${escapeStringField(r.id)},_tags=${escapeStringField(JSON.stringify(r.tags))},` +
    `_body=${escapeStringField(JSON.stringify(r.body))}`;
  return { seriesKey: key, text: `${key} ${fields} ${timeNs}` };
}

/**
 * Parses a series key as SHOW SERIES returns it (`m,k=v,k2=v\ 2`): separators are `,` and `=`
 * not preceded by a backslash (InfluxDB's own rule), and `\,` `\=` `\ ` unescape.
 */
export function parseSeriesKey(key: string): { measurement: string; tags: Record<string, string> } {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < key.length; i++) {
    if (key[i] === ',' && key[i - 1] !== '\\') {
      parts.push(key.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(key.slice(start));
  const tags: Record<string, string> = {};
  for (const part of parts.slice(1)) {
    let eq = -1;
    for (let i = 0; i < part.length; i++) {
      if (part[i] === '=' && part[i - 1] !== '\\') {
        eq = i;
        break;
      }
    }
    if (eq < 0) continue;
    tags[unescapeTag(part.slice(0, eq))] = unescapeTag(part.slice(eq + 1));
  }
  return { measurement: unescapeTag(parts[0] ?? ''), tags };
}

function unescapeTag(s: string): string {
  return s.includes('\\') ? s.replace(/\\([,= ])/g, '$1') : s;
}
