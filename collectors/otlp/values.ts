/**
 * Readers for OTLP values that work on both decodings: protobufjs messages (64-bit integers as
 * Long {low, high}) and OTLP/JSON (64-bit integers as decimal strings or numbers, per the proto3
 * JSON mapping). They never throw: unusable input yields '' or NaN.
 */

interface LongLike {
  low: number;
  high: number;
}

function isLong(v: unknown): v is LongLike {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as LongLike).low === 'number' &&
    typeof (v as LongLike).high === 'number'
  );
}

/** An AnyValue as a tag-worthy string: strings as they are, integers in decimal, else ''. */
export function anyValueString(value: unknown): string {
  if (typeof value !== 'object' || value === null) return '';
  const v = value as { stringValue?: unknown; intValue?: unknown };
  if (typeof v.stringValue === 'string') return v.stringValue;
  const i = v.intValue;
  if (typeof i === 'string') return i;
  if (typeof i === 'number') return String(i);
  if (isLong(i)) return String(longToNumber(i));
  return '';
}

/** An AnyValue as an integer (intValue, or a numeric stringValue from older instrumentations). */
export function anyValueInt(value: unknown): number {
  if (typeof value !== 'object' || value === null) return Number.NaN;
  const v = value as { stringValue?: unknown; intValue?: unknown; doubleValue?: unknown };
  const i = v.intValue;
  if (typeof i === 'number') return i;
  if (isLong(i)) return longToNumber(i);
  if (typeof i === 'string') return Number(i);
  if (typeof v.stringValue === 'string' && v.stringValue !== '') return Number(v.stringValue);
  if (typeof v.doubleValue === 'number') return v.doubleValue;
  return Number.NaN;
}

function longToNumber(v: LongLike): number {
  return (v.high | 0) * 4_294_967_296 + (v.low >>> 0);
}

/** A fixed64 / uint64 count (Long, number or decimal string) as a number; NaN when unusable. */
export function uint64ToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v === '' ? Number.NaN : Number(v);
  if (isLong(v)) return (v.high >>> 0) * 4_294_967_296 + (v.low >>> 0);
  return v === null || v === undefined ? 0 : Number.NaN;
}

/** Nanoseconds since the epoch → milliseconds (approximate: for bucketing in time). */
export function nanosToMs(v: unknown): number {
  return uint64ToNumber(v) / 1e6;
}

/**
 * `end - start` in milliseconds, exact to the nanosecond: 64-bit nanosecond timestamps exceed a
 * double's 53 bits (≈ 256 ns steps), so the difference is taken on split parts.
 */
export function durationMs(start: unknown, end: unknown): number {
  if (start === null || start === undefined || end === null || end === undefined) return Number.NaN;
  if (isLong(start) && isLong(end)) {
    return (
      (((end.high >>> 0) - (start.high >>> 0)) * 4_294_967_296 + ((end.low >>> 0) - (start.low >>> 0))) / 1e6
    );
  }
  if (typeof start === 'string' && typeof end === 'string' && start.length > 9 && end.length > 9) {
    const sHi = Number(start.slice(0, -9));
    const eHi = Number(end.slice(0, -9));
    const sLo = Number(start.slice(-9));
    const eLo = Number(end.slice(-9));
    return ((eHi - sHi) * 1e9 + (eLo - sLo)) / 1e6;
  }
  return (uint64ToNumber(end) - uint64ToNumber(start)) / 1e6;
}

/** A list field: the array, or empty for anything else (absent, wrong type in JSON). */
export function listOf(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : EMPTY;
}

const EMPTY: readonly unknown[] = Object.freeze([]);
