import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import { ROLLUP_TAG_KEYS } from '../../../core/tags.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const RELATIVE = /^now(?:([+-])(\d+(?:\.\d+)?)(ms|s|m|h|d|w))?$/;

/** `10s`, `1m`, `1.5h` → milliseconds; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** `10000` → `10s`; the largest unit that divides the duration. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * A time parameter: epoch milliseconds (`1767571200000`), ISO 8601 with a zone
 * (`2026-01-05T00:00:00Z`), or relative to now (`now`, `now-1h`, `now-15m`).
 */
export function timeParam(clock: Clock) {
  return z.string().transform((text, ctx) => {
    const t = text.trim();
    const relative = RELATIVE.exec(t);
    let ms: number;
    if (relative) {
      const offset = relative[2] ? Number(relative[2]) * UNIT_MS[relative[3]!]! : 0;
      ms = clock.now() + (relative[1] === '-' ? -offset : offset);
    } else if (/^\d{1,15}$/.test(t)) {
      ms = Number(t);
    } else if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/.test(t)) {
      ms = Date.parse(t);
    } else {
      ms = Number.NaN;
    }
    if (!Number.isFinite(ms)) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected epoch ms, ISO 8601 (2026-01-05T00:00:00Z) or now-1h',
      });
      return z.NEVER;
    }
    return Math.round(ms);
  });
}

/** A step such as `10s`, `1m`, `1h` (whole seconds, at least 1 s). */
export const stepParam = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms < 1_000 || ms % 1_000 !== 0 || ms > 30 * 86_400_000) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected a whole number of seconds from 1s to 30d, such as 10s, 1m or 1h',
    });
    return z.NEVER;
  }
  return ms;
});

const tagValue = z.string().min(1).max(256);

/** One optional parameter per rollup tag key; repeating it matches any of the values. */
export const tagFilterParams = Object.fromEntries(
  ROLLUP_TAG_KEYS.map((key) => [
    key,
    z
      .union([tagValue, z.array(tagValue).min(1).max(100)])
      .optional()
      .meta({
        description: `Only series whose \`${key}\` tag is this value; repeat to match any of several.`,
      }),
  ]),
) as Record<
  (typeof ROLLUP_TAG_KEYS)[number],
  z.ZodOptional<z.ZodUnion<[typeof tagValue, z.ZodArray<typeof tagValue>]>>
>;

/** The tag filter from parsed parameters (only the keys given). */
export function tagFilterOf(
  params: Partial<Record<(typeof ROLLUP_TAG_KEYS)[number], string | string[]>>,
): Record<string, string | string[]> {
  const where: Record<string, string | string[]> = {};
  for (const key of ROLLUP_TAG_KEYS) {
    const value = params[key];
    if (value !== undefined) where[key] = value;
  }
  return where;
}
