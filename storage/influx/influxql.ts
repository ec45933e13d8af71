import type { TagFilter } from '../../core/tags.js';

/** A double-quoted InfluxQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/[\\"]/g, '\\$&')}"`;
}

/** A single-quoted InfluxQL string literal (the scanner accepts `\\` and `\'`). */
export function str(value: string): string {
  return `'${value.replace(/[\\']/g, '\\$&')}'`;
}

/** `time >= from AND time < to`, epoch milliseconds. */
export function timeRange(fromMs: number | undefined, toMs: number | undefined): string[] {
  const out: string[] = [];
  if (fromMs !== undefined) out.push(`time >= ${Math.floor(fromMs)}ms`);
  if (toMs !== undefined) out.push(`time < ${Math.ceil(toMs)}ms`);
  return out;
}

/**
 * Conditions for a storable tag filter (storage/storable-tags.ts: no empty values): exact match
 * or any-of. The caller checks filterMatchesNothing first.
 */
export function tagConditions(filter: TagFilter | undefined): string[] {
  if (!filter) return [];
  return Object.entries(filter).map(([key, want]) =>
    typeof want === 'string'
      ? `${ident(key)} = ${str(want)}`
      : `(${want.map((v) => `${ident(key)} = ${str(v)}`).join(' OR ')})`,
  );
}

/** `WHERE a AND b` or '' for no conditions. */
export function where(conditions: readonly string[]): string {
  return conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
}
