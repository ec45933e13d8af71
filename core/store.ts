import type { RecordBody, RecordKind } from './records/index.js';
import type { Measurement, RollupAggregate, RollupPoint } from './rollup.js';
import type { TagFilter, Tags } from './tags.js';

/**
 * Where rollup points are written. `write` resolves once the points are durable (in the store or
 * in the spool in front of it): that is what "acknowledged" means everywhere in Headroom. It
 * rejects with a HeadroomError (`retryable` set) when they are not; callers then refuse the data
 * upstream (e.g. OTLP 503) rather than pretend.
 */
export interface Sink {
  /**
   * Writing a series (measurement + full tag set) at a timeMs it already has replaces that point:
   * one point per series and time, as in InfluxDB. Like InfluxDB, the replacement is field by
   * field: a histogram bucket the rewrite does not carry keeps its earlier count. A producer that
   * re-emits an interval therefore sends every bucket again (within an interval they only grow).
   *
   * `signal` aborts a write that takes too long (the spool then keeps the points); an aborted
   * write may still have reached the store, which is harmless: rewriting a point replaces it.
   */
  write(points: readonly RollupPoint[], signal?: AbortSignal): Promise<void>;
}

/** A record kept beside the rollups (forecasts, anomalies, decisions, incidents, silences). */
export interface StoredRecord<K extends RecordKind = RecordKind> {
  readonly kind: K;
  /** Unique within `kind`; writing the same id again replaces the record. */
  readonly id: string;
  /** The record's time (epoch ms); must not change when a record with the same id is rewritten. */
  readonly timeMs: number;
  /** Indexed tags for filtering; must not change for a given id. */
  readonly tags: Tags;
  readonly body: RecordBody<K>;
}

export interface RecordQuery<K extends RecordKind = RecordKind> {
  kind: K;
  /** Inclusive lower bound on timeMs. */
  from?: number;
  /** Exclusive upper bound on timeMs. */
  to?: number;
  where?: TagFilter;
  ids?: readonly string[];
  /** Newest first when 'desc' (the default); at most `limit` records (default 1,000). */
  order?: 'asc' | 'desc';
  limit?: number;
}

export interface RollupQuery {
  measurement: Measurement;
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
  /** Aggregation step; step starts are aligned to multiples of stepMs since the epoch. */
  stepMs: number;
  where?: TagFilter;
  /** Tag keys to group by; series differing in other tags are merged. Empty: one series. */
  groupBy?: readonly string[];
  /**
   * Whether histogram buckets are wanted (default true); false returns empty histograms. Only
   * quantiles need them, and they are the expensive part: InfluxDB keeps each bucket as a field,
   * and reading a hundred sparse bucket fields costs many times the four scalar fields.
   */
  histogram?: boolean;
}

/**
 * One group of a rollup query: the groupBy tag values and one aggregate per non-empty step.
 * Groups (like listSeries results) come in a stable order: by the JSON of their tags with keys
 * sorted (measurement first for series), the same in every store.
 */
export interface RollupSeries {
  tags: Tags;
  /** Ascending by timeMs; steps with no data are absent. */
  points: RollupAggregate[];
}

export interface SeriesInfo {
  measurement: Measurement;
  /** The full tag set of the series (including `collector`). */
  tags: Tags;
}

export interface SeriesQuery {
  measurement?: Measurement;
  where?: TagFilter;
  /** Only series with points at or after this time (epoch ms), when the store can tell. */
  from?: number;
  limit?: number;
}

export type StoreKind = 'influx' | 'embedded';

export interface StoreHealth {
  /** True when writes are reaching the store itself. */
  ok: boolean;
  /** 'spooling': the store is unreachable but writes are durable in the spool. */
  state?: 'ok' | 'spooling' | 'down';
  /** Readable detail ("ping 2 ms", "connection refused"); never contains secrets. */
  detail: string;
}

/**
 * The storage contract (DESIGN.md "Storage"). Two implementations pass one conformance suite
 * (`test/store-conformance.ts`): InfluxStore and EmbeddedStore.
 *
 * Lifecycle: `start()` connects and creates what is missing (database, retention, schema); it
 * rejects with a readable error when the store cannot be reached. `stop()` flushes pending
 * writes and is idempotent. Methods may be called concurrently.
 */
export interface Store extends Sink {
  readonly kind: StoreKind;
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  health(): Promise<StoreHealth>;

  queryRollups(query: RollupQuery): Promise<RollupSeries[]>;
  listSeries(query?: SeriesQuery): Promise<SeriesInfo[]>;

  /** Upserts records by (kind, id). Durable when it resolves. */
  putRecords(records: readonly StoredRecord[], signal?: AbortSignal): Promise<void>;
  queryRecords<K extends RecordKind>(query: RecordQuery<K>): Promise<StoredRecord<K>[]>;
  /** Deletes records by id (unknown ids are ignored). Goes through the spool like writes. */
  deleteRecords(kind: RecordKind, ids: readonly string[], signal?: AbortSignal): Promise<void>;
}
