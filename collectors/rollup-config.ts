import { z } from 'zod';

/**
 * A host pattern: a glob (`api.stripe.com`, `*.stripe.com`; `*` matches any run of characters,
 * dots included; case-insensitive) or a regular expression between slashes (`/^pay-\d+\.example$/`).
 */
export const hostPatternSchema = z
  .string()
  .min(1)
  .refine(
    (p) => {
      if (!(p.startsWith('/') && p.endsWith('/') && p.length > 2)) return true;
      try {
        new RegExp(p.slice(1, -1), 'i');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'invalid regular expression' },
  );

export const errorSamplesConfigSchema = z.strictObject({
  /** Error texts published per second per collector (token bucket); the rest are counted and dropped. */
  maxPerSecond: z.number().positive().max(10_000).default(20),
  /** Burst allowance of the token bucket. */
  burst: z.number().int().min(1).max(100_000).default(100),
  /** Texts are cut to this many characters. */
  maxMessageLength: z.number().int().min(16).max(16_384).default(512),
});

/** How intervals, lateness, cardinality and write-back of rollups behave (collectors/rollup.ts). */
export const rollupConfigSchema = z.strictObject({
  /** Length of one rollup interval (one point per series per interval). */
  intervalMs: z.number().int().min(1_000).max(3_600_000).default(10_000),
  /** An interval stays open this long after it ends, for late spans (SDK batching, network). */
  graceMs: z.number().int().min(0).max(600_000).default(5_000),
  /**
   * Data later than the grace period but at most this old is counted into the oldest interval
   * still open (time-shifted, counted as late); older data is dropped and reported as rejected.
   */
  maxLateMs: z.number().int().min(0).max(86_400_000).default(300_000),
  /** Timestamps further than this in the future are clamped to now (clock skew). */
  maxFutureMs: z.number().int().min(0).max(86_400_000).default(60_000),
  /** Distinct values per tag key per measurement; further values fold into `other`. */
  maxValuesPerTag: z.number().int().min(1).max(100_000).default(200),
  /** A tag value unseen this long frees its place under the cap. */
  tagValueTtlMs: z.number().int().min(1_000).default(3_600_000),
  /** Series per measurement per interval; beyond it every capped tag folds into `other`. */
  maxSeriesPerInterval: z.number().int().min(1).max(1_000_000).default(50_000),
  /** Tag source values longer than this (host, route, service) reject the span or point. */
  maxTagValueLength: z.number().int().min(16).max(4_096).default(256),
  /** Points handed to one `Sink.write` call. */
  writeBatchPoints: z.number().int().min(1).max(100_000).default(5_000),
  /** Points waiting for a successful write; above it, receivers shed load (429/503). */
  maxPendingPoints: z.number().int().min(1).max(10_000_000).default(200_000),
  /** On stop(), keep retrying failed writes this long before giving up (and logging the loss). */
  stopTimeoutMs: z.number().int().min(0).max(600_000).default(15_000),
  /**
   * Provider names by host pattern, first match wins, e.g. `{ stripe: ['api.stripe.com'] }`.
   * Hosts that match nothing keep their host name as the provider.
   */
  providers: z.record(z.string().min(1), z.array(hostPatternSchema).min(1)).default({}),
  /**
   * Endpoint tag when a span has no `url.template` / `http.route`: `normalized_path` replaces
   * ids, numbers, UUIDs and hashes in the URL path with `{id}` (and drops the query);
   * `none` leaves the endpoint empty (the series is then per provider and method only).
   */
  endpointFallback: z.enum(['normalized_path', 'none']).default('normalized_path'),
  errorSamples: errorSamplesConfigSchema.prefault({}),
});

export type RollupConfig = z.infer<typeof rollupConfigSchema>;
export type ErrorSamplesConfig = z.infer<typeof errorSamplesConfigSchema>;
