import { z } from 'zod';

/** InfluxDB 1.x connection (storage/influx). Present: Headroom stores in InfluxDB. */
export const influxConfigSchema = z.strictObject({
  /** e.g. http://127.0.0.1:8086 or https://influx.internal:8086 */
  url: z.url({ protocol: /^https?$/ }),
  database: z.string().min(1).default('headroom'),
  username: z.string().optional(),
  password: z.string().optional(),
  /** PEM file of the CA that signed the server certificate, for https URLs. */
  caFile: z.string().optional(),
  /** Retention of the raw 10 s rollups and records. */
  retentionDays: z.number().int().min(1).default(14),
  /** Retention of the 5 min downsampled rollups written by the continuous query. */
  downsampledRetentionDays: z.number().int().min(1).default(400),
  /** Lines per write request. */
  batchSize: z.number().int().min(1).max(100_000).default(5_000),
  /** Longest time a point waits in the write buffer. */
  flushIntervalMs: z.number().int().min(10).default(1_000),
  /**
   * Write requests in flight at once. Lines are split into this many lanes by series, so the
   * order of writes to one series is kept while the server works on several requests.
   */
  writeConcurrency: z.number().int().min(1).max(8).default(2),
  /** Body encoding of write requests (InfluxDB 1.x accepts `Content-Encoding: gzip`). */
  compression: z.enum(['gzip', 'none']).default('gzip'),
  /** Timeout of each HTTP request (writes, queries, admin). */
  timeoutMs: z.number().int().min(100).default(10_000),
});

/** Embedded SQLite store (storage/embedded); used when no InfluxDB URL is configured. */
export const embeddedConfigSchema = z.strictObject({
  /** Database file; default `<dataDir>/headroom.sqlite`. */
  path: z.string().optional(),
  /** Rollups and records older than this are deleted (and not accepted). */
  retentionDays: z.number().int().min(1).default(14),
  /** How often the retention job deletes what is older than retentionDays. */
  retentionCheckIntervalMs: z
    .number()
    .int()
    .min(1_000)
    .default(10 * 60_000),
  /** SQLite page cache; the last page of every series should fit (10,000 series ≈ 40 MB). */
  cacheSizeMb: z.number().int().min(1).default(64),
  /**
   * How long a write waits for a lock held by another connection (a backup, the sqlite3 shell).
   * Short on purpose: better-sqlite3 blocks the event loop while it waits, and the spool takes
   * the write when the lock is not released in time.
   */
  busyTimeoutMs: z.number().int().min(0).default(200),
});

/** Durable write spool in front of the store (storage/spool). */
export const spoolConfigSchema = z.strictObject({
  /** Directory of the spool files; default `<dataDir>/spool`. */
  dir: z.string().optional(),
  /** When the spool holds this many bytes, new writes are refused (and counted). */
  maxBytes: z
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024 * 1024),
  /** fsync at most this often while spooling (batched fsync). */
  fsyncIntervalMs: z.number().int().min(1).default(200),
  /** A store write not done within this time is treated as failed and goes to the spool. */
  storeTimeoutMs: z.number().int().min(100).default(15_000),
  /** Size at which the spool starts a new segment file; replayed segments are deleted. */
  segmentBytes: z
    .number()
    .int()
    .min(4096)
    .default(16 * 1024 * 1024),
  /** How often to retry the store while spooling. */
  retryIntervalMs: z.number().int().min(10).default(2_000),
});

export const storeConfigSchema = z.strictObject({
  influx: influxConfigSchema.optional(),
  embedded: embeddedConfigSchema.prefault({}),
  spool: spoolConfigSchema.prefault({}),
});

export type InfluxConfig = z.infer<typeof influxConfigSchema>;
export type EmbeddedConfig = z.infer<typeof embeddedConfigSchema>;
export type SpoolConfig = z.infer<typeof spoolConfigSchema>;
export type StoreConfig = z.infer<typeof storeConfigSchema>;
