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
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a NAB timestamp to epoch milliseconds, or NaN when it is not one. */
export function parseNabTimestamp(text: string): number {
  return text.length === 19 ? parsePlainTimestamp(text) : parseAnyTimestamp(text);
}

/**
 * Fast path for NAB's own "YYYY-MM-DD HH:MM:SS" (parsing dominates `headroom detect`):
 * fixed positions, digits read directly, validity checked as in the general path.
 */
function parsePlainTimestamp(t: string): number {
  if (t[4] !== '-' || t[7] !== '-' || (t[10] !== ' ' && t[10] !== 'T') || t[13] !== ':' || t[16] !== ':') {
    return parseAnyTimestamp(t);
  }
  const year = digits(t, 0, 4);
  const month = digits(t, 5, 2);
  const day = digits(t, 8, 2);
  const hour = digits(t, 11, 2);
  const minute = digits(t, 14, 2);
  const second = digits(t, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return Number.NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month] ?? 0);
  if (day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The decimal number in t[from, from + count), or -1 when a character is not a digit. */
function digits(t: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function parseAnyTimestamp(text: string): number {
  const m = TIMESTAMP.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const year = Number(y);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month] ?? 0);
  if (day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
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
  const value = Number(t);
  if (t !== '' && NUMBER.test(t)) {
    if (!Number.isFinite(value)) throw new NabCsvError(line, `value "${text}" is out of range`);
    return value;
  }
  if (GAP_TEXTS.has(t.toLowerCase())) return Number.NaN;
  throw new NabCsvError(line, `value "${text}" is not a number`);
}
