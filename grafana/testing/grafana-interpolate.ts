import type { DashboardVariable } from './dashboard-queries.js';

/** A variable's selection: All, or some values (one value: a repeated panel's copy). */
export type Selection = { all: true } | { values: readonly string[] };

export interface Interpolation {
  /** `$timeFilter` as Grafana renders it (see timeFilter). */
  timeFilter: string;
  intervalMs: number;
  variables: readonly DashboardVariable[];
  selections: Readonly<Record<string, Selection>>;
}

/** Grafana's escapeRegex (@grafana/data text/string.ts): `/` too, since InfluxQL regexes are `/…/`. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

/**
 * `$timeFilter` for an absolute range, as Grafana's InfluxQL backend writes it, or for a range
 * relative to now (`now-6h` to `now`), as Grafana's browser-side InfluxQL path writes it.
 */
export function timeFilter(range: { fromMs: number; toMs: number } | { lastMs: number }): string {
  if ('lastMs' in range) return `time > now() - ${intervalText(range.lastMs)}`;
  return `time >= ${range.fromMs}ms and time <= ${range.toMs}ms`;
}

/** Grafana's rangeutil.roundInterval (up to 1 h, which is all the tests need). */
const ROUNDED_MS: readonly (readonly [below: number, ms: number])[] = [
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1_500, 1_000],
  [3_500, 2_000],
  [7_500, 5_000],
  [12_500, 10_000],
  [17_500, 15_000],
  [25_000, 20_000],
  [45_000, 30_000],
  [90_000, 60_000],
  [210_000, 120_000],
  [450_000, 300_000],
  [1_050_000, 600_000],
  [1_500_000, 900_000],
  [2_700_000, 1_800_000],
  [Infinity, 3_600_000],
];

/**
 * `$__interval` as Grafana computes it (rangeutil.calculateInterval): range / max data points,
 * rounded to a "nice" interval, then raised to the panel's min interval.
 */
export function grafanaIntervalMs(rangeMs: number, maxDataPoints: number, minInterval?: string): number {
  const raw = rangeMs / maxDataPoints;
  const rounded = ROUNDED_MS.find(([below]) => raw < below)?.[1] ?? 3_600_000;
  return Math.max(rounded, minInterval ? durationMs(minInterval) : 1);
}

function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new Error(`unsupported interval ${text}`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    m[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(m[1]) * unit;
}

/** Grafana's kbn.secondsToHms for whole intervals: 20000 → `20s`, 60000 → `1m`. */
export function intervalText(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * A variable's value as the InfluxDB datasource formats it (interpolateQueryExpr): a custom All
 * value as it is; otherwise each value regex-escaped, several joined as `(a|b)`.
 */
function formatVariable(variable: DashboardVariable, selection: Selection): string {
  if ('all' in selection) {
    if (variable.allValue !== undefined) return variable.allValue;
    throw new Error(`variable ${variable.name}: All without a custom all value is not emulated`);
  }
  if (!variable.multi && !variable.includeAll) {
    if (selection.values.length !== 1) throw new Error(`variable ${variable.name} takes one value`);
    return selection.values[0] ?? '';
  }
  const escaped = selection.values.map(escapeRegex);
  if (escaped.length === 0) throw new Error(`variable ${variable.name} has no value selected`);
  return escaped.length === 1 ? (escaped[0] ?? '') : `(${escaped.join('|')})`;
}

/**
 * Replaces Grafana's macros and template variables in one InfluxQL query the way Grafana does
 * before sending it: `$timeFilter`, `$__interval_ms`, `$__interval`, `$interval`, and `$var`,
 * `${var}`, `${var:regex}`, `[[var]]`. Throws on a variable it does not know.
 */
export function interpolate(query: string, at: Interpolation): string {
  let out = query
    .replaceAll('$timeFilter', at.timeFilter)
    .replaceAll('$__interval_ms', String(at.intervalMs))
    .replaceAll('$__interval', intervalText(at.intervalMs))
    .replaceAll('$interval', intervalText(at.intervalMs));
  const byName = new Map(at.variables.map((v) => [v.name, v]));
  out = out.replace(
    /\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)\]\]|\$(\w+)/g,
    (match, braced?: string, format?: string, bracketed?: string, plain?: string) => {
      const name = braced ?? bracketed ?? plain ?? '';
      const variable = byName.get(name);
      if (!variable) throw new Error(`unknown variable ${match} in: ${query}`);
      if (format !== undefined && format !== 'regex') throw new Error(`format ${format} is not emulated`);
      const selection = at.selections[name];
      if (!selection) throw new Error(`no selection for variable ${name}`);
      return formatVariable(variable, selection);
    },
  );
  return out;
}
