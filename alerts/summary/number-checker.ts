import { clockUtc, roundTo } from './format.js';

/** A figure found in text: a number, a clock time ("14:05") or a number word ("three"). */
export interface TextNumber {
  readonly raw: string;
  readonly kind: 'number' | 'time' | 'word';
  /** Absolute value (signs are not checked: "fell by 5" and "-5" state the same magnitude). */
  readonly value: number;
  /** Decimals as written; the fact is rounded to these before comparing. */
  readonly decimals: number;
}

export interface NumberCheckResult {
  readonly ok: boolean;
  /** Figures in the text that no fact explains, as written. */
  readonly unknown: readonly string[];
  readonly checked: number;
}

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  twice: 2,
  double: 2,
  triple: 3,
  half: 0.5,
  dozen: 12,
};

const TIME = /(?<![\p{L}\p{N}_:.])(\d{1,2}):(\d{2})(?![\p{N}:])/gu;
const NUMBER = /\d[\d,]*(?:\.\d+)?/g;
const WORD = /\p{L}+/gu;
const IDENTIFIER_CHAR = /[\p{L}\p{N}_/.]/u;
const ALNUM = /[\p{L}\p{N}]/u;

/**
 * The figures a reader would take as quantities. Digits glued to an identifier (p95, v1,
 * /2010-04-01, api-v2) are names, not quantities, and are skipped; everything else counts,
 * including "4.2×", "30s", "62%" and number words.
 */
export function extractNumbers(text: string): TextNumber[] {
  const out: TextNumber[] = [];
  const masked = text.replace(TIME, (raw, h: string, m: string) => {
    if (Number(h) < 24 && Number(m) < 60) {
      out.push({ raw, kind: 'time', value: Number(h) * 60 + Number(m), decimals: 0 });
      return ' '.repeat(raw.length);
    }
    return raw;
  });
  for (const match of masked.matchAll(NUMBER)) {
    const index = match.index ?? 0;
    const before = index > 0 ? masked[index - 1]! : ' ';
    if (IDENTIFIER_CHAR.test(before)) continue;
    if (before === '-' && index > 1 && ALNUM.test(masked[index - 2]!)) continue;
    const raw = match[0].replace(/,+$/, '');
    const parts = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(raw) ? [raw.replaceAll(',', '')] : raw.split(',');
    for (const part of parts) {
      if (part === '') continue;
      const decimals = part.includes('.') ? part.split('.')[1]!.length : 0;
      out.push({ raw: part, kind: 'number', value: Number(part), decimals });
    }
  }
  for (const match of masked.matchAll(WORD)) {
    const value = NUMBER_WORDS[match[0].toLowerCase()];
    if (value !== undefined) out.push({ raw: match[0], kind: 'word', value, decimals: value % 1 ? 1 : 0 });
  }
  return out;
}

/**
 * Every number an incident's facts hold: numeric values anywhere in the object, and the
 * figures inside its strings (decision reasons, error templates), read as the text is.
 */
export class FactNumbers {
  private readonly values: number[] = [];
  private readonly clocks = new Set<string>();

  constructor(facts: unknown) {
    this.collect(facts, 0);
  }

  /** True when some fact, rounded to `decimals` places, equals `value`. */
  has(value: number, decimals: number): boolean {
    const tolerance = 1e-9 * Math.max(1, value);
    return this.values.some((fact) => Math.abs(roundTo(Math.abs(fact), decimals) - value) <= tolerance);
  }

  /** True when some epoch-ms fact falls on this UTC clock time ("14:05"). */
  hasClock(hhmm: string): boolean {
    return this.clocks.has(hhmm.padStart(5, '0'));
  }

  private collect(value: unknown, depth: number): void {
    if (depth > 12) return;
    if (typeof value === 'number' && Number.isFinite(value)) {
      this.values.push(value);
      // Epoch-ms facts (2001 onwards) may be written as clock times.
      if (value > 1e12 && value < 1e14) this.clocks.add(clockUtc(value));
    } else if (typeof value === 'string') {
      for (const n of extractNumbers(value)) {
        if (n.kind === 'number') this.values.push(n.value);
        else if (n.kind === 'time') this.clocks.add(n.raw.padStart(5, '0'));
      }
    } else if (Array.isArray(value)) {
      for (const item of value) this.collect(item, depth + 1);
    } else if (value && typeof value === 'object') {
      for (const item of Object.values(value)) this.collect(item, depth + 1);
    }
  }
}

/** Checks that every figure in `text` is in `facts` (with the rounding the text uses). */
export function checkNumbers(text: string, facts: unknown | FactNumbers): NumberCheckResult {
  const pool = facts instanceof FactNumbers ? facts : new FactNumbers(facts);
  const unknown: string[] = [];
  const numbers = extractNumbers(text);
  for (const n of numbers) {
    const known = n.kind === 'time' ? pool.hasClock(n.raw) : pool.has(n.value, n.decimals);
    if (!known) unknown.push(n.raw);
  }
  return { ok: unknown.length === 0, unknown, checked: numbers.length };
}
