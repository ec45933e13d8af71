import { HeadroomError } from '../../core/errors.js';

/** A `timestamp,value` file as parsed: rows in file order, timestamps in ms (UTC if no zone). */
export interface SeriesCsv {
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
  /** Timestamp text as written, echoed in outputs so a referee can match rows exactly. */
  readonly timestampText: readonly string[];
  /** Value text as written. */
  readonly valueText: readonly string[];
}

const PLAIN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;

/**
 * Parses a timestamp: `YYYY-MM-DD HH:MM:SS` (taken as UTC: only differences matter for a
 * regular series, and UTC has no daylight-saving jumps) or any ISO 8601 form with a zone.
 * Returns NaN when it cannot.
 */
export function parseTimestamp(text: string): number {
  const m = PLAIN.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, frac] = m;
    return Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, s ? +s : 0, frac ? Math.round(+frac * 1000) : 0);
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return Number.NaN;
  return Date.parse(text);
}

/**
 * Parses CSV text with header `timestamp,value`. Rejects, with the 1-based line number: a
 * missing or different header, no data rows, a row without two fields, an unparseable
 * timestamp, a value that is not a finite number (including NaN and empty), and timestamps that
 * are not strictly increasing (duplicates or unsorted rows: the row order defines the backtest's
 * row indices, so it is never silently re-sorted). Blank lines and a trailing newline are ignored.
 */
export function parseSeriesCsv(text: string): SeriesCsv {
  const lines = text.split(/\r?\n/);
  let lineNo = 0;
  while (lineNo < lines.length && lines[lineNo]!.trim() === '') lineNo++;
  if (lineNo >= lines.length) throw new HeadroomError('csv_empty', 'the file is empty');
  const header = lines[lineNo]!.replace(/^\uFEFF/, '')
    .split(',')
    .map((s) => s.trim().toLowerCase());
  if (header.length < 2 || header[0] !== 'timestamp' || header[1] !== 'value') {
    throw new HeadroomError('csv_header', `line ${lineNo + 1}: expected the header "timestamp,value"`);
  }
  const ts: number[] = [];
  const vs: number[] = [];
  const tsText: string[] = [];
  const vText: string[] = [];
  for (let i = lineNo + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const fields = line.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
    if (fields.length < 2)
      throw new HeadroomError('csv_row', `line ${i + 1}: expected "timestamp,value", got "${line}"`);
    const t = parseTimestamp(fields[0]!);
    if (!Number.isFinite(t))
      throw new HeadroomError('csv_timestamp', `line ${i + 1}: cannot parse timestamp "${fields[0]}"`);
    const raw = fields[1]!;
    const v = raw === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(v)) {
      throw new HeadroomError('csv_value', `line ${i + 1}: value "${raw}" is not a finite number`);
    }
    const prev = ts[ts.length - 1];
    if (prev !== undefined && t <= prev) {
      const what = t === prev ? 'duplicates' : 'is earlier than';
      throw new HeadroomError(
        'csv_order',
        `line ${i + 1}: timestamp ${fields[0]} ${what} the previous row (${tsText[tsText.length - 1]}); rows must be strictly increasing`,
      );
    }
    ts.push(t);
    vs.push(v);
    tsText.push(fields[0]!);
    vText.push(raw);
  }
  if (ts.length === 0) throw new HeadroomError('csv_no_rows', 'the file has a header but no data rows');
  return {
    timestampsMs: Float64Array.from(ts),
    values: Float64Array.from(vs),
    timestampText: tsText,
    valueText: vText,
  };
}
