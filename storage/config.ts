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
  timeoutMs: z.number().int().min(100).default(10_000),
});

/** Embedded SQLite store (storage/embedded); used when no InfluxDB URL is configured. */
export const embeddedConfigSchema = z.strictObject({
  /** Database file; default `<dataDir>/headroom.sqlite`. */
  path: z.string().optional(),
  retentionDays: z.number().int().min(1).default(14),
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
