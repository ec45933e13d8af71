import { HeadroomError } from '../../core/errors.js';

/** One data row of a NAB-style CSV, with its original text kept for echoing. */
export interface NabRow {
  /** The timestamp exactly as written in the file. */
  readonly timestampText: string;
  /** The value exactly as written in the file. */
  readonly valueText: string;
  readonly timeMs: number;
  /** NaN for a gap (an empty field or the literal `NaN`/`null`). */
  readonly value: number;
}

/** Why a CSV was rejected; `line` is 1-based (the header is line 1). */
export class NabCsvError extends HeadroomError {
  readonly line: number;
  constructor(line: number, message: string) {
    super('detect_input_invalid', line > 0 ? `line ${line}: ${message}` : message);
    this.name = 'NabCsvError';
    this.line = line;
  }
}

const GAP_TEXTS = new Set(['', 'nan', 'null', 'none']);
// NAB writes "YYYY-MM-DD HH:MM:SS" without a zone; an ISO 8601 "T" and fractional seconds are
// also accepted. A missing zone means UTC so that daylight-saving changes never reorder rows.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a NAB timestamp to epoch milliseconds, or NaN when it is not one. */
export function parseNabTimestamp(text: string): number {
  const m = TIMESTAMP.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(Number(y), month, 0)).getUTCDate() : 0;
  if (day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  let ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  if (frac) ms += Math.round(Number(frac) * 1000);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/**
 * Parses the text of a NAB data file (`timestamp,value` header, one row per observation).
 *
 * Handling of imperfect input, chosen so that every accepted row gets exactly one output row:
 * - blank lines are skipped; CRLF line ends and a UTF-8 BOM are accepted;
 * - an empty value, `NaN` or `null` is a gap: the row is kept and the detector is told NaN;
 * - a repeated timestamp is accepted (several NAB files repeat one): it is a second
 *   observation at the same time and is scored in file order;
 * - anything else is rejected with the line number: an empty file, a header without data, a
 *   missing `timestamp` or `value` column, a row with the wrong number of fields, a value that
 *   is not a finite decimal number, an unparseable timestamp, or a timestamp earlier than the
 *   row before it (a streaming detector cannot take points out of order; sort the file).
 */
export function parseNabCsv(text: string): NabRow[] {
  const lines = text.split('\n');
  let lineNo = 0;
  let header: string[] | undefined;
  for (; lineNo < lines.length && header === undefined; lineNo++) {
    const line = stripLine(lines[lineNo] ?? '', lineNo === 0);
    if (line !== '') header = line.split(',').map((h) => h.trim().toLowerCase());
  }
  if (header === undefined)
    throw new NabCsvError(0, 'the file is empty (expected a "timestamp,value" header)');
  const tsCol = header.indexOf('timestamp');
  const valueCol = header.indexOf('value');
  if (tsCol < 0 || valueCol < 0) {
    throw new NabCsvError(lineNo, `header "${header.join(',')}" must name the columns timestamp and value`);
  }
  const rows: NabRow[] = [];
  let previousMs = -Infinity;
  for (; lineNo < lines.length; lineNo++) {
    const line = stripLine(lines[lineNo] ?? '', false);
    if (line === '') continue;
    const fields = line.split(',');
    const where = lineNo + 1;
    if (fields.length !== header.length) {
      throw new NabCsvError(where, `expected ${header.length} fields, found ${fields.length}`);
    }
    const timestampText = fields[tsCol] as string;
    const valueText = fields[valueCol] as string;
    const timeMs = parseNabTimestamp(timestampText.trim());
    if (Number.isNaN(timeMs)) {
      throw new NabCsvError(where, `"${timestampText}" is not a timestamp (expected YYYY-MM-DD HH:MM:SS)`);
    }
    if (timeMs < previousMs) {
      throw new NabCsvError(
        where,
        `timestamp "${timestampText}" is earlier than the row before it; rows must be in time order`,
      );
    }
    previousMs = timeMs;
    rows.push({ timestampText, valueText, timeMs, value: parseValue(valueText, where) });
  }
  if (rows.length === 0) throw new NabCsvError(0, 'the file has a header but no data rows');
  return rows;
}

function stripLine(line: string, first: boolean): string {
  let out = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (first && out.charCodeAt(0) === 0xfeff) out = out.slice(1);
  return out.trim();
}

function parseValue(text: string, line: number): number {
  const t = text.trim();
  if (GAP_TEXTS.has(t.toLowerCase())) return Number.NaN;
  if (!NUMBER.test(t)) throw new NabCsvError(line, `value "${text}" is not a number`);
  const value = Number(t);
  if (!Number.isFinite(value)) throw new NabCsvError(line, `value "${text}" is out of range`);
  return value;
}
