import type { Counter } from '@opentelemetry/api';
import type { Clock } from '../../core/clock.js';
import { errorMessage, HeadroomError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { RecordKind } from '../../core/records/index.js';
import type { RollupPoint } from '../../core/rollup.js';
import type {
  RecordQuery,
  RollupQuery,
  RollupSeries,
  SeriesInfo,
  SeriesQuery,
  Store,
  StoreHealth,
  StoredRecord,
} from '../../core/store.js';
import { getMeter } from '../../core/telemetry.js';
import type { InfluxConfig } from '../config.js';
import { recordTimeNs } from '../record-time.js';
import { validatePoints, validateRecords } from '../validate-writes.js';
import { connectInflux, type InfluxConnection } from './influx-connection.js';
import { InfluxDownsampler } from './influx-downsampler.js';
import { InfluxRecords } from './influx-records.js';
import { listInfluxSeries, queryInfluxRollups, type InfluxQueryContext } from './influx-rollup-query.js';
import { ensureSchema, RAW_RP } from './influx-schema.js';
import { InfluxWriter } from './influx-writer.js';
import { recordLine, rollupLine } from './line-protocol.js';

/** How often late points are downsampled into the 5 min RP (influx-downsampler.ts). */
const BACKFILL_INTERVAL_MS = 60_000;
/** At most one warning per this interval about points dropped as older than retention. */
const WARN_INTERVAL_MS = 60_000;

export interface InfluxStoreDeps {
  logger: Logger;
  clock: Clock;
}

/**
 * The Store on InfluxDB 1.x (DESIGN.md "Storage"). Rollups go to measurement `api_calls` /
 * `inbound` in RP `headroom_raw`; a continuous query downsamples them to 5 min in `headroom_5m`;
 * records go to measurement `records`. Writes: batched gzip line protocol (InfluxWriter);
 * queries and administration: node-influx.
 */
export class InfluxStore implements Store {
  readonly kind = 'influx' as const;
  private readonly conn: InfluxConnection;
  private readonly writer: InfluxWriter;
  private readonly downsampler: InfluxDownsampler;
  private readonly records: InfluxRecords;
  private readonly ctx: InfluxQueryContext;
  private readonly logger: Logger;
  private readonly droppedOld: Counter;
  private backfillTimer: NodeJS.Timeout | undefined;
  private droppedSinceWarn = 0;
  private lastWarnMs = 0;
  private state: 'new' | 'started' | 'stopped' = 'new';

  constructor(
    private readonly config: InfluxConfig,
    private readonly deps: InfluxStoreDeps,
  ) {
    this.logger = deps.logger.child({ component: 'influx-store' });
    this.conn = connectInflux(config);
    this.droppedOld = getMeter().createCounter('headroom.store.dropped_beyond_retention', {
      description: 'Points InfluxDB dropped because they are older than the retention policy',
    });
    this.writer = new InfluxWriter({
      origin: this.conn.origin,
      database: config.database,
      retentionPolicy: RAW_RP,
      ...(this.conn.authorization ? { authorization: this.conn.authorization } : {}),
      ...(this.conn.ca ? { ca: this.conn.ca } : {}),
      batchSize: config.batchSize,
      flushIntervalMs: config.flushIntervalMs,
      concurrency: config.writeConcurrency,
      compression: config.compression,
      timeoutMs: config.timeoutMs,
      onRetentionDrop: (n) => this.onRetentionDrop(n),
    });
    this.downsampler = new InfluxDownsampler(this.conn, config.database, deps.clock, this.logger);
    this.records = new InfluxRecords(this.conn, config.database, this.logger);
    this.ctx = {
      conn: this.conn,
      database: config.database,
      retentionDays: config.retentionDays,
      clock: deps.clock,
      downsampler: this.downsampler,
    };
  }

  /** Where this store writes, without credentials (for status pages). */
  get origin(): string {
    return this.conn.origin;
  }

  async start(signal?: AbortSignal): Promise<void> {
    try {
      await ensureSchema(this.conn, this.config, signal);
    } catch (err) {
      const why =
        err instanceof HeadroomError
          ? err.message.replace(/^InfluxDB at \S+ (is unreachable: )?/, '')
          : errorMessage(err);
      throw new HeadroomError('store_unreachable', `cannot use InfluxDB at ${this.conn.origin}: ${why}`, {
        retryable: err instanceof HeadroomError ? err.retryable : true,
        cause: err,
      });
    }
    clearInterval(this.backfillTimer);
    this.backfillTimer = setInterval(() => {
      this.downsampler.runPending().catch((err: unknown) => {
        this.logger.warn({ err: errorMessage(err) }, 'downsampling late points failed; will retry');
      });
    }, BACKFILL_INTERVAL_MS);
    this.backfillTimer.unref();
    this.state = 'started';
    this.logger.info({ url: this.conn.origin, database: this.config.database }, 'InfluxDB store ready');
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    clearInterval(this.backfillTimer);
    await this.writer.close();
    await this.downsampler.runPending().catch((err: unknown) => {
      this.logger.warn({ err: errorMessage(err) }, 'could not downsample late points before stopping');
    });
  }

  async health(): Promise<StoreHealth> {
    const [host] = await this.conn.client.ping(Math.min(this.config.timeoutMs, 5_000));
    if (host?.online)
      return {
        ok: true,
        state: 'ok',
        detail: `InfluxDB ${host.version} at ${this.conn.origin}, ping ${host.rtt} ms`,
      };
    return { ok: false, state: 'down', detail: `InfluxDB at ${this.conn.origin} does not answer /ping` };
  }

  async write(points: readonly RollupPoint[], signal?: AbortSignal): Promise<void> {
    const valid = validatePoints(points);
    await this.writer.write(valid.map(rollupLine), signal);
    this.downsampler.noteWritten(valid.map((p) => p.timeMs));
  }

  async putRecords(records: readonly StoredRecord[], signal?: AbortSignal): Promise<void> {
    const valid = validateRecords(records);
    await this.writer.write(
      valid.map((r) => recordLine(r, recordTimeNs(r.timeMs, r.id))),
      signal,
    );
  }

  async deleteRecords(kind: RecordKind, ids: readonly string[], signal?: AbortSignal): Promise<void> {
    if (ids.length === 0) return;
    // A put still in the write buffer must land before its delete.
    await this.writer.flush();
    await this.records.delete(kind, ids, signal);
  }

  async queryRollups(query: RollupQuery): Promise<RollupSeries[]> {
    return queryInfluxRollups(this.ctx, query);
  }

  async listSeries(query?: SeriesQuery): Promise<SeriesInfo[]> {
    return listInfluxSeries(this.ctx, query);
  }

  async queryRecords<K extends RecordKind>(query: RecordQuery<K>): Promise<StoredRecord<K>[]> {
    return this.records.query(query);
  }

  private onRetentionDrop(dropped: number): void {
    this.droppedOld.add(dropped);
    this.droppedSinceWarn += dropped;
    const now = this.deps.clock.now();
    if (now - this.lastWarnMs < WARN_INTERVAL_MS) return;
    this.logger.warn(
      { dropped: this.droppedSinceWarn, retentionDays: this.config.retentionDays },
      'InfluxDB dropped points older than the retention policy',
    );
    this.lastWarnMs = now;
    this.droppedSinceWarn = 0;
  }
}
