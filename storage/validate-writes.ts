import { HeadroomError } from '../core/errors.js';
import { HISTOGRAM_MAX_INDEX, type SparseHistogram } from '../core/histogram.js';
import { RECORD_SCHEMAS } from '../core/records/index.js';
import { MEASUREMENTS, type RollupPoint } from '../core/rollup.js';
import type { StoredRecord } from '../core/store.js';
import { storableTags } from './storable-tags.js';

const MAX_RECORD_ID_LENGTH = 512;
/** Ids travel as InfluxDB string fields and in log lines: no newlines or other control codes. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

function invalid(what: string, index: number, why: string): HeadroomError {
  // Not retryable: the same data fails the same way; the caller has a bug to fix.
  return new HeadroomError(`invalid_${what}`, `${what} #${index}: ${why}`);
}

function isTime(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= 0;
}

function isAmount(v: number): boolean {
  return Number.isFinite(v) && v >= 0;
}

/**
 * Checks rollup points and returns them in stored form (tags made storable, integer counts,
 * empty histogram buckets dropped), or throws `invalid_point` naming the first bad one. Both
 * stores and the spool call it before accepting a write, so that what is acknowledged can be
 * written.
 */
export function validatePoints(points: readonly RollupPoint[]): RollupPoint[] {
  return points.map((p, i) => {
    if (!MEASUREMENTS.includes(p.measurement))
      throw invalid('point', i, `unknown measurement ${String(p.measurement)}`);
    if (!isTime(p.timeMs)) throw invalid('point', i, `timeMs ${p.timeMs} is not a non-negative integer`);
    for (const field of ['count', 'errors', 'durationSumMs', 'durationMaxMs'] as const) {
      if (!isAmount(p[field])) throw invalid('point', i, `${field} ${p[field]} is not a finite number >= 0`);
    }
    const histogram: SparseHistogram = {};
    for (const key of Object.keys(p.histogram)) {
      const index = Number(key);
      const value = p.histogram[index] ?? 0;
      if (!Number.isInteger(index) || index < 0 || index > HISTOGRAM_MAX_INDEX) {
        throw invalid('point', i, `histogram bucket ${key} is outside 0..${HISTOGRAM_MAX_INDEX}`);
      }
      if (!isAmount(value)) throw invalid('point', i, `histogram bucket ${key} holds ${value}`);
      if (value > 0) histogram[index] = value;
    }
    let tags;
    try {
      tags = storableTags(p.tags);
    } catch (err) {
      throw invalid('point', i, err instanceof Error ? err.message : String(err));
    }
    return {
      measurement: p.measurement,
      timeMs: p.timeMs,
      tags,
      count: Math.round(p.count),
      errors: Math.round(p.errors),
      durationSumMs: p.durationSumMs,
      durationMaxMs: p.durationMaxMs,
      histogram,
    };
  });
}

/**
 * Checks records against RECORD_SCHEMAS and returns them in stored form (tags made storable,
 * body as parsed by its schema), or throws `invalid_record` naming the first bad one.
 */
export function validateRecords(records: readonly StoredRecord[]): StoredRecord[] {
  return records.map((r, i) => {
    const schema = RECORD_SCHEMAS[r.kind] as (typeof RECORD_SCHEMAS)[keyof typeof RECORD_SCHEMAS] | undefined;
    if (!schema) throw invalid('record', i, `unknown kind ${String(r.kind)}`);
    if (
      typeof r.id !== 'string' ||
      r.id === '' ||
      r.id.length > MAX_RECORD_ID_LENGTH ||
      CONTROL_CHARACTER.test(r.id)
    ) {
      throw invalid(
        'record',
        i,
        `id must be a non-empty string of at most ${MAX_RECORD_ID_LENGTH} characters without control characters`,
      );
    }
    if (!isTime(r.timeMs)) throw invalid('record', i, `timeMs ${r.timeMs} is not a non-negative integer`);
    const parsed = schema.safeParse(r.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalid(
        'record',
        i,
        `${r.kind} body: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    let tags;
    try {
      tags = storableTags(r.tags);
    } catch (err) {
      throw invalid('record', i, err instanceof Error ? err.message : String(err));
    }
    return { kind: r.kind, id: r.id, timeMs: r.timeMs, tags, body: parsed.data } as StoredRecord;
  });
}
