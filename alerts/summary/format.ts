/**
 * How summaries print numbers. The number checker (number-checker.ts) uses the same rounding,
 * so a figure printed here is found in the facts it came from.
 */

/** Rounds half away from zero to `decimals` places. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return (Math.sign(value) * Math.round(Math.abs(value) * factor)) / factor;
}

/** Decimals a figure is printed with: none for whole numbers and from 10 up, 1 below 10, 2 below 1. */
export function decimalsFor(value: number): number {
  const abs = Math.abs(value);
  if (Number.isInteger(abs) || abs >= 10) return 0;
  return abs >= 1 ? 1 : 2;
}

/** "1,240", "4.2", "0.35" (never exponent notation, whatever the magnitude). */
export function formatNumber(value: number, decimals = decimalsFor(value)): string {
  const rounded = roundTo(value, decimals);
  return GROUPED[decimals]?.format(rounded) ?? grouped(decimals).format(rounded);
}

const grouped = (decimals: number): Intl.NumberFormat =>
  new Intl.NumberFormat('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
    useGrouping: true,
  });
const GROUPED = [grouped(0), grouped(1), grouped(2)];

/** Display unit of a signal's values. */
export type DisplayUnit = 'ms' | '%' | 'req/s' | '';

/** "760 ms", "38%", "1,240 req/s". */
export function formatQuantity(value: number, unit: DisplayUnit): string {
  const text = formatNumber(value);
  if (unit === '%') return `${text}%`;
  return unit ? `${text} ${unit}` : text;
}

/** "4.2×" (the multiplication sign, not the letter x, so the checker reads it as a number). */
export function formatRatio(ratio: number): string {
  return `${formatNumber(ratio)}×`;
}

/** "14:05 UTC". */
export function formatTimeUtc(epochMs: number): string {
  return `${clockUtc(epochMs)} UTC`;
}

/** "14:05" of an epoch time, UTC. */
export function clockUtc(epochMs: number): string {
  const d = new Date(epochMs);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** "under a minute", "1 minute", "26 minutes". */
export function formatMinutes(minutes: number): string {
  if (minutes < 1) return 'under a minute';
  const text = formatNumber(minutes, 0);
  return text === '1' ? '1 minute' : `${text} minutes`;
}

/** "1 endpoint", "3 endpoints". */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${formatNumber(count, 0)} ${count === 1 ? noun : pluralNoun}`;
}

/** "a, b and c"; at most `max` items then "and N more". */
export function listOf(items: readonly string[], max = 3): string {
  if (items.length <= 1) return items[0] ?? '';
  if (items.length > max) {
    return `${items.slice(0, max).join(', ')} and ${formatNumber(items.length - max, 0)} more`;
  }
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
