import type { Clock } from '../../core/clock.js';
import { HeadroomError } from '../../core/errors.js';
import {
  alignTime,
  DEFAULT_ROLLUP_INTERVAL_MS,
  MEASUREMENTS,
  type Measurement,
  type RollupAggregate,
} from '../../core/rollup.js';
import type { RollupQuery, RollupSeries, SeriesInfo, SeriesQuery } from '../../core/store.js';
import { RollupGroups } from '../rollup-groups.js';
import { assertTagKey, filterMatchesNothing, storableFilter } from '../storable-tags.js';
import { runQuery, type InfluxConnection, type InfluxResult } from './influx-connection.js';
import {
  CQ_RESAMPLE_FOR_MS,
  DOWNSAMPLE_STEP_MS,
  DOWNSAMPLED_BUCKET_REGEX,
  DOWNSAMPLED_RP,
  RAW_BUCKET_REGEX,
  RAW_RP,
} from './influx-schema.js';
import type { InfluxDownsampler } from './influx-downsampler.js';
import { ident, tagConditions, timeRange, where } from './influxql.js';
import { parseSeriesKey } from './line-protocol.js';

const DAY_MS = 86_400_000;

export interface InfluxQueryContext {
  conn: InfluxConnection;
  database: string;
  retentionDays: number;
  clock: Clock;
  downsampler: InfluxDownsampler;
}

interface Part {
  rp: string;
  fromMs: number;
  toMs: number;
}

/**
 * Which RP serves which part of [from, to). Older than raw retention: only the 5 min RP has it.
 * With a step that is a multiple of 5 min, the 5 min RP serves everything the continuous query has
 * finished (up to 15 min ago), raw the rest: ~30x fewer points to read. Otherwise raw.
 * A step cut in two by a boundary is merged back (sums add, max takes max).
 */
export function planParts(
  query: Pick<RollupQuery, 'from' | 'to' | 'stepMs'>,
  nowMs: number,
  retentionDays: number,
): Part[] {
  const rawStart = alignTime(nowMs - retentionDays * DAY_MS, DOWNSAMPLE_STEP_MS) + DOWNSAMPLE_STEP_MS;
  const downsampledEnd =
    query.stepMs % DOWNSAMPLE_STEP_MS === 0
      ? alignTime(nowMs, DOWNSAMPLE_STEP_MS) - CQ_RESAMPLE_FOR_MS
      : rawStart;
  const cut = Math.min(query.to, Math.max(query.from, downsampledEnd));
  const parts: Part[] = [];
  if (cut > query.from) parts.push({ rp: DOWNSAMPLED_RP, fromMs: query.from, toMs: cut });
  if (query.to > cut) parts.push({ rp: RAW_RP, fromMs: cut, toMs: query.to });
  return parts;
}

/** queryRollups for InfluxStore: GROUP BY time(step) and tags, aggregated by the server. */
export async function queryInfluxRollups(
  ctx: InfluxQueryContext,
  query: RollupQuery,
): Promise<RollupSeries[]> {
  if (!(query.stepMs > 0) || !Number.isInteger(query.stepMs)) {
    throw new HeadroomError('invalid_query', `stepMs must be a positive integer, not ${query.stepMs}`);
  }
  const filter = storableFilter(query.where);
  if (query.to <= query.from || filterMatchesNothing(filter)) return [];
  const groupBy = [...new Set(query.groupBy ?? [])];
  groupBy.forEach(assertTagKey);
  const groups = new RollupGroups();
  const withHistogram = query.histogram !== false;
  for (const part of planParts(query, ctx.clock.now(), ctx.retentionDays)) {
    if (part.rp === DOWNSAMPLED_RP) await ctx.downsampler.catchUp(part.fromMs, part.toMs);
    const from = `FROM ${ident(ctx.database)}.${ident(part.rp)}.${ident(query.measurement)}`;
    const conditions = where([...timeRange(part.fromMs, part.toMs), ...tagConditions(filter)]);
    if (part.rp === RAW_RP && query.stepMs <= DEFAULT_ROLLUP_INTERVAL_MS) {
      // A step holds at most one point per series: GROUP BY time() would only add InfluxDB's
      // per-window, per-field overhead (3x slower for one series over a day), so read the points.
      const fields = `"count", "errors", "duration_sum_ms", "duration_max_ms"${withHistogram ? `, ${RAW_BUCKET_REGEX}` : ''}`;
      const tags = groupBy.map((k) => `, ${ident(k)}`).join('');
      const [result] = await runQuery(ctx.conn, `SELECT ${fields}${tags} ${from}${conditions}`, {
        database: ctx.database,
        precision: 'ms',
      });
      for (const series of result?.series ?? []) addRawRows(groups, series, groupBy, query.stepMs);
      continue;
    }
    const buckets = withHistogram
      ? `, sum(${part.rp === DOWNSAMPLED_RP ? DOWNSAMPLED_BUCKET_REGEX : RAW_BUCKET_REGEX})`
      : '';
    const q =
      `SELECT sum("count") AS "count", sum("errors") AS "errors", sum("duration_sum_ms") AS "duration_sum_ms", ` +
      `max("duration_max_ms") AS "duration_max_ms"${buckets} ${from}${conditions}` +
      ` GROUP BY time(${query.stepMs}ms)${groupBy.map((k) => `, ${ident(k)}`).join('')} fill(none)`;
    const [result] = await runQuery(ctx.conn, q, { database: ctx.database, precision: 'ms' });
    for (const series of result?.series ?? []) {
      const steps = groups.group(series.tags ?? {});
      const read = columnReader(series.columns);
      for (const row of series.values) {
        const agg = read(row);
        if (agg) groups.add(steps, agg);
      }
    }
  }
  return groups.result();
}

/** Adds raw points (one row per series and time, groupBy tags as columns) into their steps. */
function addRawRows(
  groups: RollupGroups,
  series: NonNullable<InfluxResult['series']>[number],
  groupBy: readonly string[],
  stepMs: number,
): void {
  const read = columnReader(series.columns);
  const tagColumns = groupBy.map((k) => [k, series.columns.indexOf(k)] as const);
  for (const row of series.values) {
    const point = read(row);
    if (!point) continue;
    const tags: Record<string, string> = {};
    for (const [key, i] of tagColumns) {
      const value = row[i];
      if (typeof value === 'string' && value !== '') tags[key] = value;
    }
    point.timeMs = alignTime(point.timeMs, stepMs);
    groups.add(groups.group(tags), point);
  }
}

/** Maps a result row (time, count, errors, sums, max, h<i> / sum_h<i> / sum_sum_h<i>…) to an aggregate. */
function columnReader(columns: readonly string[]): (row: readonly unknown[]) => RollupAggregate | undefined {
  const at = (name: string): number => columns.indexOf(name);
  const [time, count, errors, sum, max] = [
    'time',
    'count',
    'errors',
    'duration_sum_ms',
    'duration_max_ms',
  ].map(at);
  const buckets: [number, number][] = [];
  columns.forEach((c, i) => {
    const m = /^(?:sum_){0,2}h(\d+)$/.exec(c);
    if (m) buckets.push([i, Number(m[1])]);
  });
  const num = (row: readonly unknown[], i: number | undefined): number =>
    i === undefined || i < 0 ? 0 : typeof row[i] === 'number' ? (row[i] as number) : 0;
  return (row) => {
    if (row[count ?? -1] === null || row[count ?? -1] === undefined) return undefined;
    const histogram: Record<number, number> = {};
    for (const [i, bucket] of buckets) {
      const v = row[i];
      if (typeof v === 'number' && v > 0) histogram[bucket] = v;
    }
    return {
      timeMs: num(row, time),
      count: num(row, count),
      errors: num(row, errors),
      durationSumMs: num(row, sum),
      durationMaxMs: num(row, max),
      histogram,
    };
  };
}

/**
 * listSeries for InfluxStore. Without `from`: SHOW SERIES (the index, cheap). With `from`: the
 * index cannot tell (SHOW SERIES … WHERE time only narrows to shards), so the last point of each
 * series since `from` is read, from both RPs when `from` is older than raw retention.
 */
export async function listInfluxSeries(
  ctx: InfluxQueryContext,
  query: SeriesQuery = {},
): Promise<SeriesInfo[]> {
  const filter = storableFilter(query.where);
  if (filterMatchesNothing(filter)) return [];
  const measurements: readonly Measurement[] = query.measurement ? [query.measurement] : MEASUREMENTS;
  const found = new Map<string, SeriesInfo>();
  const add = (measurement: string, tags: Record<string, string>): void => {
    if (!MEASUREMENTS.includes(measurement as Measurement)) return;
    const clean: Record<string, string> = {};
    for (const key of Object.keys(tags).sort()) {
      const value = tags[key];
      if (value) clean[key] = value;
    }
    found.set(JSON.stringify([measurement, clean]), { measurement: measurement as Measurement, tags: clean });
  };
  const conditions = tagConditions(filter);
  if (query.from === undefined) {
    const from = measurements.map(ident).join(', ');
    const results = await runQuery(
      ctx.conn,
      `SHOW SERIES ON ${ident(ctx.database)} FROM ${from}${where(conditions)}`,
    );
    for (const row of rows(results)) {
      const parsed = parseSeriesKey(String(row[0]));
      add(parsed.measurement, parsed.tags);
    }
  } else {
    const now = ctx.clock.now();
    const rps = query.from < now - ctx.retentionDays * DAY_MS ? [RAW_RP, DOWNSAMPLED_RP] : [RAW_RP];
    for (const rp of rps) {
      const from = measurements.map((m) => `${ident(ctx.database)}.${ident(rp)}.${ident(m)}`).join(', ');
      const q = `SELECT last("count") FROM ${from}${where([...timeRange(query.from, undefined), ...conditions])} GROUP BY *`;
      const [result] = await runQuery(ctx.conn, q, { database: ctx.database, precision: 'ms' });
      for (const series of result?.series ?? []) add(series.name ?? '', series.tags ?? {});
    }
  }
  const out = [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
  return query.limit !== undefined ? out.slice(0, query.limit) : out;
}

function rows(results: InfluxResult[]): unknown[][] {
  return results.flatMap((result) => (result.series ?? []).flatMap((series) => series.values));
}
