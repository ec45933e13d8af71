import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Counter } from '@opentelemetry/api';
import Database from 'better-sqlite3';
import type { Clock } from '../../core/clock.js';
import { errorMessage, HeadroomError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { RecordKind } from '../../core/records/index.js';
import {
  alignTime,
  DEFAULT_ROLLUP_INTERVAL_MS,
  type Measurement,
  type RollupPoint,
} from '../../core/rollup.js';
import { HISTOGRAM_MAX_INDEX } from '../../core/histogram.js';
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
import type { Tags } from '../../core/tags.js';
import { getMeter } from '../../core/telemetry.js';
import type { EmbeddedConfig } from '../config.js';
import { RollupGroups } from '../rollup-groups.js';
import { assertTagKey, filterMatchesNothing, storableFilter } from '../storable-tags.js';
import { validatePoints, validateRecords } from '../validate-writes.js';
import { EmbeddedRecords } from './embedded-records.js';
import { openSchema } from './embedded-schema.js';
import { SeriesIndex, type IndexedSeries } from './series-index.js';
import {
  addEncodedDense,
  addEncodedHistogram,
  encodeDense,
  encodeHistogram,
  overlayHistograms,
} from './histogram-blob.js';

const DAY_MS = 86_400_000;
/** Points per transaction; the event loop gets a turn between transactions. */
const CHUNK_POINTS = 5_000;
/** Series whose old rows are deleted per retention transaction. */
const RETENTION_SERIES_PER_TX = 500;

type Series = IndexedSeries;

export interface EmbeddedStoreDeps {
  logger: Logger;
  clock: Clock;
  /** Database file (config `path`, or `<dataDir>/headroom.sqlite`). */
  path: string;
}

/**
 * The Store on SQLite (better-sqlite3): what runs when no InfluxDB URL is configured. Series are
 * kept in memory (id, tags, last time) for filtering; rollups in a (series_id, time_ms) table;
 * records in one generic table. Points older than retentionDays are not accepted and are deleted
 * by a periodic job, so both stores keep the same window.
 */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  private db: Database.Database | undefined;
  private records: EmbeddedRecords | undefined;
  private readonly series = new SeriesIndex<Series>();
  private readonly logger: Logger;
  private readonly droppedOld: Counter;
  private retentionTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private statements:
    | Record<
        'upsert' | 'insertSeries' | 'touchSeries' | 'range' | 'stepped' | 'steppedScalars',
        Database.Statement
      >
    | undefined;

  constructor(
    private readonly config: EmbeddedConfig,
    private readonly deps: EmbeddedStoreDeps,
  ) {
    this.logger = deps.logger.child({ component: 'embedded-store' });
    this.droppedOld = getMeter().createCounter('headroom.store.dropped_beyond_retention', {
      description: 'Points and records not stored because they are older than the retention',
    });
  }

  get path(): string {
    return this.deps.path;
  }

  async start(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    try {
      mkdirSync(dirname(this.deps.path), { recursive: true });
      const db = new Database(this.deps.path);
      openSchema(db, this.config);
      this.db = db;
    } catch (err) {
      throw new HeadroomError(
        'store_unavailable',
        `cannot open SQLite database ${this.deps.path}: ${errorMessage(err)}`,
        {
          cause: err,
        },
      );
    }
    const db = this.db;
    db.function('hist_overlay', { deterministic: true }, (previous, next) =>
      overlayHistograms(previous as Uint8Array, next as Uint8Array),
    );
    // Sums encoded histograms inside SQLite, so a coarse-step query hands JS one row per step.
    db.aggregate('hist_sum', {
      deterministic: true,
      start: () => new Float64Array(HISTOGRAM_MAX_INDEX + 1),
      step: (acc: Float64Array, blob: unknown) => {
        addEncodedDense(acc, blob as Uint8Array);
        return acc;
      },
      result: (acc: Float64Array) => encodeDense(acc),
    });
    this.statements = {
      upsert: db.prepare(
        `INSERT INTO rollups (series_id, time_ms, count, errors, duration_sum_ms, duration_max_ms, histogram)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (series_id, time_ms) DO UPDATE SET count = excluded.count, errors = excluded.errors,
           duration_sum_ms = excluded.duration_sum_ms, duration_max_ms = excluded.duration_max_ms,
           histogram = hist_overlay(histogram, excluded.histogram)`,
      ),
      insertSeries: db.prepare(`INSERT INTO series (measurement, tags, last_ms) VALUES (?, ?, ?)`),
      touchSeries: db.prepare(`UPDATE series SET last_ms = ? WHERE id = ? AND last_ms < ?`),
      stepped: db
        .prepare(
          `SELECT (time_ms / ?) * ? AS t, sum(count), sum(errors), sum(duration_sum_ms), max(duration_max_ms),
             hist_sum(histogram) FROM rollups WHERE series_id = ? AND time_ms >= ? AND time_ms < ? GROUP BY t`,
        )
        .raw(true),
      steppedScalars: db
        .prepare(
          `SELECT (time_ms / ?) * ? AS t, sum(count), sum(errors), sum(duration_sum_ms), max(duration_max_ms),
             NULL FROM rollups WHERE series_id = ? AND time_ms >= ? AND time_ms < ? GROUP BY t`,
        )
        .raw(true),
      range: db
        .prepare(
          `SELECT time_ms, count, errors, duration_sum_ms, duration_max_ms, histogram FROM rollups
           WHERE series_id = ? AND time_ms >= ? AND time_ms < ?`,
        )
        .raw(true),
    };
    this.records = new EmbeddedRecords(db, this.logger);
    const rows = db.prepare(`SELECT id, measurement, tags, last_ms FROM series`).all() as {
      id: number;
      measurement: Measurement;
      tags: string;
      last_ms: number;
    }[];
    for (const row of rows) this.remember(row.id, row.measurement, JSON.parse(row.tags) as Tags, row.last_ms);
    this.retentionTimer = setInterval(() => {
      this.runRetention().catch((err: unknown) =>
        this.logger.warn({ err: errorMessage(err) }, 'retention failed'),
      );
    }, this.config.retentionCheckIntervalMs);
    this.retentionTimer.unref();
    this.logger.info({ path: this.deps.path, series: this.series.size }, 'embedded store ready');
  }

  async stop(): Promise<void> {
    clearInterval(this.retentionTimer);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    const db = this.db;
    this.db = undefined;
    this.statements = undefined;
    if (db?.open) db.close();
  }

  async health(): Promise<StoreHealth> {
    const db = this.db;
    if (!db?.open) return { ok: false, state: 'down', detail: 'not started' };
    db.prepare('SELECT 1').get();
    return { ok: true, state: 'ok', detail: `SQLite ${this.deps.path}, ${this.series.size} series` };
  }

  async write(points: readonly RollupPoint[], signal?: AbortSignal): Promise<void> {
    const valid = validatePoints(points);
    const cutoff = this.cutoffMs();
    const kept = valid.filter((p) => p.timeMs >= cutoff);
    if (kept.length < valid.length) this.droppedOld.add(valid.length - kept.length);
    await this.track(async () => {
      for (let i = 0; i < kept.length; i += CHUNK_POINTS) {
        if (i > 0) await yieldToLoop();
        signal?.throwIfAborted();
        this.sqlite(() => this.writeChunk(kept.slice(i, i + CHUNK_POINTS)));
      }
    });
  }

  async putRecords(records: readonly StoredRecord[]): Promise<void> {
    const valid = validateRecords(records);
    const cutoff = this.cutoffMs();
    const kept = valid.filter((r) => r.timeMs >= cutoff);
    if (kept.length < valid.length) this.droppedOld.add(valid.length - kept.length);
    this.sqlite(() => this.open().records.put(kept));
  }

  async deleteRecords(kind: RecordKind, ids: readonly string[]): Promise<void> {
    this.sqlite(() => this.open().records.delete(kind, ids));
  }

  async queryRecords<K extends RecordKind>(query: RecordQuery<K>): Promise<StoredRecord<K>[]> {
    return this.sqlite(() => this.open().records.query(query));
  }

  async queryRollups(query: RollupQuery): Promise<RollupSeries[]> {
    if (!(query.stepMs > 0) || !Number.isInteger(query.stepMs)) {
      throw new HeadroomError('invalid_query', `stepMs must be a positive integer, not ${query.stepMs}`);
    }
    const filter = storableFilter(query.where);
    const groupBy = [...new Set(query.groupBy ?? [])];
    groupBy.forEach(assertTagKey);
    if (query.to <= query.from || filterMatchesNothing(filter)) return [];
    const { range, stepped, steppedScalars } = this.open().statements;
    const groups = new RollupGroups();
    const step = query.stepMs;
    const withHistogram = query.histogram !== false;
    for (const s of this.series.matching(query.measurement, filter)) {
      const groupTags: Record<string, string> = {};
      for (const key of groupBy) {
        const value = s.tags[key];
        if (value !== undefined) groupTags[key] = value;
      }
      const steps = groups.group(groupTags);
      // Up to one point per series per step: read rows as they are; coarser: aggregate in SQLite.
      const rows = this.sqlite(
        () =>
          (step <= DEFAULT_ROLLUP_INTERVAL_MS
            ? range.all(s.id, query.from, query.to)
            : (withHistogram ? stepped : steppedScalars).all(
                step,
                step,
                s.id,
                query.from,
                query.to,
              )) as unknown[][],
      );
      for (const row of rows) {
        const agg = groups.step(steps, alignTime(row[0] as number, step));
        agg.count += row[1] as number;
        agg.errors += row[2] as number;
        agg.durationSumMs += row[3] as number;
        if ((row[4] as number) > agg.durationMaxMs) agg.durationMaxMs = row[4] as number;
        if (withHistogram && row[5]) addEncodedHistogram(agg.histogram, row[5] as Buffer);
      }
    }
    return groups.result();
  }

  async listSeries(query: SeriesQuery = {}): Promise<SeriesInfo[]> {
    const filter = storableFilter(query.where);
    if (filterMatchesNothing(filter)) return [];
    const out = [...this.series.matching(query.measurement, filter)]
      .filter((s) => query.from === undefined || s.lastMs >= query.from)
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
      .map((s) => ({ measurement: s.measurement, tags: s.tags }));
    return query.limit !== undefined ? out.slice(0, query.limit) : out;
  }

  /**
   * Deletes rollups and records older than retentionDays, and series left without points.
   * Runs periodically; public for tests and for an operator's "compact now".
   */
  async runRetention(): Promise<{ points: number; records: number; series: number }> {
    return this.track(async () => {
      const cutoff = this.cutoffMs();
      const db = this.open().db;
      const expire = db.prepare(`DELETE FROM rollups WHERE series_id = ? AND time_ms < ?`);
      const forget = db.prepare(`DELETE FROM series WHERE id = ?`);
      const all = [...this.series.values()];
      let points = 0;
      for (let i = 0; i < all.length; i += RETENTION_SERIES_PER_TX) {
        if (i > 0) await yieldToLoop();
        const chunk = all.slice(i, i + RETENTION_SERIES_PER_TX);
        points += this.sqlite(() =>
          db.transaction(() => chunk.reduce((n, s) => n + expire.run(s.id, cutoff).changes, 0))(),
        );
      }
      const stale = all.filter((s) => s.lastMs < cutoff);
      this.sqlite(() => db.transaction(() => stale.forEach((s) => forget.run(s.id)))());
      for (const s of stale) this.series.delete(seriesMapKey(s.measurement, s.tags));
      const records = this.sqlite(() => this.open().records.expireBefore(cutoff));
      if (points + records + stale.length > 0) {
        this.logger.info(
          { points, records, series: stale.length, cutoffMs: cutoff },
          'retention deleted old data',
        );
      }
      return { points, records, series: stale.length };
    });
  }

  private writeChunk(points: readonly RollupPoint[]): void {
    const { db, statements } = this.open();
    const touched = new Map<Series, number>();
    const created: string[] = [];
    const tx = db.transaction(() => {
      for (const p of points) {
        const s = this.seriesFor(p.measurement, p.tags, p.timeMs, created);
        statements.upsert.run(
          s.id,
          p.timeMs,
          p.count,
          p.errors,
          p.durationSumMs,
          p.durationMaxMs,
          encodeHistogram(p.histogram),
        );
        if (p.timeMs > (touched.get(s) ?? s.lastMs)) touched.set(s, p.timeMs);
      }
      for (const [s, lastMs] of touched) statements.touchSeries.run(lastMs, s.id, lastMs);
    });
    try {
      tx();
    } catch (err) {
      // Rolled back: the series rows created in it are gone, so forget them again.
      for (const key of created) this.series.delete(key);
      throw err;
    }
    // Only after the commit: a rolled-back transaction leaves the cache as it was.
    for (const [s, lastMs] of touched) s.lastMs = lastMs;
  }

  private seriesFor(measurement: Measurement, tags: Tags, timeMs: number, created: string[]): Series {
    const key = seriesMapKey(measurement, tags);
    const known = this.series.get(key);
    if (known) return known;
    const id = Number(
      this.open().statements.insertSeries.run(measurement, JSON.stringify(tags), timeMs).lastInsertRowid,
    );
    created.push(key);
    return this.remember(id, measurement, tags, timeMs);
  }

  private remember(id: number, measurement: Measurement, tags: Tags, lastMs: number): Series {
    const key = seriesMapKey(measurement, tags);
    const s: Series = { id, measurement, tags, sortKey: key, lastMs };
    this.series.add(key, s);
    return s;
  }

  private cutoffMs(): number {
    return this.deps.clock.now() - this.config.retentionDays * DAY_MS;
  }

  private open(): {
    db: Database.Database;
    records: EmbeddedRecords;
    statements: NonNullable<EmbeddedStore['statements']>;
  } {
    if (!this.db || !this.records || !this.statements) {
      throw new HeadroomError('store_stopped', 'embedded store is not started', { retryable: true });
    }
    return { db: this.db, records: this.records, statements: this.statements };
  }

  private async track<T>(fn: () => Promise<T>): Promise<T> {
    const p = fn();
    this.inFlight.add(p);
    try {
      return await p;
    } finally {
      this.inFlight.delete(p);
    }
  }

  /**
   * Runs SQLite work, classifying errors: a busy/locked database, a full disk or an I/O error
   * may pass (the spool keeps the data meanwhile); anything else is a bug or bad data.
   */
  private sqlite<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof HeadroomError) throw err;
      const code = (err as { code?: string }).code ?? '';
      const retryable = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|PROTOCOL)/.test(code);
      throw new HeadroomError(
        retryable ? 'store_unavailable' : 'store_failed',
        `SQLite ${this.deps.path}: ${errorMessage(err)}`,
        {
          retryable,
          cause: err,
        },
      );
    }
  }
}

/** Canonical map key (and sort order) of a series: measurement + sorted tags, as JSON. */
function seriesMapKey(measurement: string, tags: Tags): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(tags).sort()) sorted[key] = tags[key] as string;
  return JSON.stringify([measurement, sorted]);
}
