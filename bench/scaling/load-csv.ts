import { HeadroomError } from '../../core/errors.js';

/** A load trace: one row per interval, `value` is the load of the interval starting at `timestamp`. */
export interface LoadTrace {
  /** The timestamps as written in the file (echoed unchanged in outputs). */
  readonly timestamps: readonly string[];
  readonly timesMs: Float64Array;
  readonly values: Float64Array;
  readonly stepMs: number;
}

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

/**
 * Parses `timestamp,value` CSV text (a header line first). Timestamps are `YYYY-MM-DD HH:MM:SS`,
 * ISO 8601 with `T`, optionally with a zone; naive ones are read as UTC (only differences
 * matter). Rows must be sorted and evenly spaced, values finite and non-negative: anything else
 * is rejected with the line number, because a silently skipped row would shift every decision.
 */
export function parseLoadCsv(text: string, source = 'input'): LoadTrace {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const header = (lines[0] ?? '').trim().toLowerCase().replace(/\s/g, '');
  if (header !== 'timestamp,value') {
    throw bad(`${source}:1: expected the header "timestamp,value", got "${lines[0] ?? ''}"`);
  }
  const timestamps: string[] = [];
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const cells = line.split(',');
    if (cells.length !== 2)
      throw bad(`${source}:${i + 1}: expected 2 columns, got ${cells.length}: "${line}"`);
    const ts = (cells[0] as string).trim();
    const ms = parseTimestamp(ts);
    if (!Number.isFinite(ms)) throw bad(`${source}:${i + 1}: cannot read the timestamp "${ts}"`);
    const raw = (cells[1] as string).trim();
    const value = raw === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      throw bad(`${source}:${i + 1}: value must be a non-negative number, got "${raw}"`);
    }
    timestamps.push(ts);
    times.push(ms);
    values.push(value);
  }
  if (values.length < 2) throw bad(`${source}: needs at least 2 rows, got ${values.length}`);
  const stepMs = (times[1] as number) - (times[0] as number);
  if (!(stepMs > 0)) throw bad(`${source}:3: timestamps must increase`);
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] as number) - (times[i - 1] as number);
    if (gap !== stepMs) {
      throw bad(
        `${source}:${i + 2}: rows must be evenly spaced and sorted: ${gap / 1000} s after the previous row, expected ${stepMs / 1000} s`,
      );
    }
  }
  return { timestamps, timesMs: Float64Array.from(times), values: Float64Array.from(values), stepMs };
}

function parseTimestamp(ts: string): number {
  const m = NAIVE.exec(ts);
  if (m) {
    const [, y, mo, d, h, mi, s, frac] = m;
    return Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!) + (frac ? Math.round(Number(frac) * 1000) : 0);
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(ts)) return Number.NaN;
  return Date.parse(ts);
}

function bad(message: string): HeadroomError {
  return new HeadroomError('bad_input', message);
}
