import { HISTOGRAM_MAX_INDEX } from '../../core/histogram.js';
import { MEASUREMENTS } from '../../core/rollup.js';
import { runQuery, type InfluxConnection } from './influx-connection.js';
import { ident } from './influxql.js';

/** Raw 10 s rollups and records. Default RP, so ad-hoc queries in the `influx` shell find them. */
export const RAW_RP = 'headroom_raw';
/** 5 min rollups written by the continuous query (and by backfills after late writes). */
export const DOWNSAMPLED_RP = 'headroom_5m';
export const DOWNSAMPLE_CQ = 'headroom_downsample_5m';
export const DOWNSAMPLE_STEP_MS = 5 * 60_000;
/**
 * Each CQ run recomputes the last 15 min, so a point arriving up to ~10 min after its 5 min
 * bucket ended is still downsampled; later points are backfilled (influx-downsampler.ts).
 */
export const CQ_RESAMPLE_FOR_MS = 15 * 60_000;

export interface SchemaOptions {
  database: string;
  retentionDays: number;
  downsampledRetentionDays: number;
}

/**
 * The downsampling SELECT … INTO. Every field keeps its name in the downsampled RP (each one
 * aliased: `sum(*)` or `sum(/^h/)` would rename them `sum_<field>`), so one query shape reads
 * both RPs. All 256 histogram buckets are listed; buckets absent from a shard cost next to
 * nothing. Counts stay integers (sum of integers), the rest floats: no field type conflict.
 */
export function downsampleSelect(database: string): string {
  const fields = [
    'sum("count") AS "count"',
    'sum("errors") AS "errors"',
    'sum("duration_sum_ms") AS "duration_sum_ms"',
    'max("duration_max_ms") AS "duration_max_ms"',
  ];
  for (let i = 0; i <= HISTOGRAM_MAX_INDEX; i++) fields.push(`sum("h${i}") AS "h${i}"`);
  const db = ident(database);
  return (
    `SELECT ${fields.join(', ')} INTO ${db}.${ident(DOWNSAMPLED_RP)}.:MEASUREMENT ` +
    `FROM ${db}.${ident(RAW_RP)}./^(${MEASUREMENTS.join('|')})$/`
  );
}

/**
 * Creates what is missing: the database, both retention policies (durations brought in line with
 * config when they exist) and the continuous query (re-created, so a changed definition applies).
 * Every statement is idempotent, so two daemons starting at once do no harm.
 */
export async function ensureSchema(
  conn: InfluxConnection,
  options: SchemaOptions,
  signal?: AbortSignal,
): Promise<void> {
  const { client } = conn;
  const db = ident(options.database);
  const run = async (q: string): Promise<void> => {
    signal?.throwIfAborted();
    await runQuery(conn, q, { database: options.database, ...(signal ? { signal } : {}) });
  };
  // CREATE DATABASE needs admin rights; a database made by an operator is fine without them.
  const names = await client.getDatabaseNames();
  if (!names.includes(options.database)) await run(`CREATE DATABASE ${db}`);
  const policies = await client.showRetentionPolicies(options.database);
  const policy = async (name: string, days: number, shardDays: number, isDefault: boolean): Promise<void> => {
    const verb = policies.some((p) => p.name === name) ? 'ALTER' : 'CREATE';
    const shard = verb === 'CREATE' ? ` SHARD DURATION ${shardDays}d` : '';
    await run(
      `${verb} RETENTION POLICY ${ident(name)} ON ${db} DURATION ${days}d REPLICATION 1${shard}${isDefault ? ' DEFAULT' : ''}`,
    );
  };
  // InfluxDB's own rule of thumb: 1 day shards for retention up to 6 months, 7 days beyond.
  await policy(RAW_RP, options.retentionDays, 1, true);
  await policy(
    DOWNSAMPLED_RP,
    options.downsampledRetentionDays,
    options.downsampledRetentionDays > 183 ? 7 : 1,
    false,
  );
  const cqs = await client.showContinousQueries(options.database);
  if (cqs.some((cq) => cq.name === DOWNSAMPLE_CQ))
    await run(`DROP CONTINUOUS QUERY ${ident(DOWNSAMPLE_CQ)} ON ${db}`);
  // Another daemon starting at the same moment may have re-created it: that is fine.
  await run(
    `CREATE CONTINUOUS QUERY ${ident(DOWNSAMPLE_CQ)} ON ${db} RESAMPLE EVERY 5m FOR ${CQ_RESAMPLE_FOR_MS / 60_000}m ` +
      `BEGIN ${downsampleSelect(options.database)} GROUP BY time(5m), * END`,
  ).catch((err: unknown) => {
    if (!/already exists/.test(String((err as Error).message))) throw err;
  });
}
