import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { alignTime } from '../../core/rollup.js';
import { runQuery, type InfluxConnection } from './influx-connection.js';
import { timeRange, where } from './influxql.js';
import { CQ_RESAMPLE_FOR_MS, DOWNSAMPLE_STEP_MS, downsampleSelect } from './influx-schema.js';

/** Backfill at most this much time per statement, to bound the server's memory. */
const CHUNK_MS = 6 * 3_600_000;

interface Range {
  fromMs: number;
  toMs: number;
}

/**
 * Keeps the 5 min RP complete when points arrive late. The continuous query only recomputes the
 * last 15 min at each run; points written later than that (spool replay after an outage, a
 * collector catching up) mark their 5 min buckets dirty, and the same SELECT … INTO is run over
 * the dirty range: periodically, and before a query reads that range from the 5 min RP.
 * Rewriting a downsampled point replaces it, so running twice is harmless.
 */
export class InfluxDownsampler {
  private dirty: Range | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly conn: InfluxConnection,
    private readonly database: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Bucket starts before this will not be recomputed by the CQ any more. */
  lateBeforeMs(): number {
    return alignTime(this.clock.now(), DOWNSAMPLE_STEP_MS) + DOWNSAMPLE_STEP_MS - CQ_RESAMPLE_FOR_MS;
  }

  /** Called after a write succeeded, with the times of its points. */
  noteWritten(timesMs: Iterable<number>): void {
    const late = this.lateBeforeMs();
    let from = Infinity;
    let to = -Infinity;
    for (const t of timesMs) {
      if (t >= late) continue;
      if (t < from) from = t;
      if (t > to) to = t;
    }
    if (from === Infinity) return;
    this.mark({
      fromMs: alignTime(from, DOWNSAMPLE_STEP_MS),
      toMs: alignTime(to, DOWNSAMPLE_STEP_MS) + DOWNSAMPLE_STEP_MS,
    });
  }

  /** Backfills dirty buckets overlapping [fromMs, toMs) before a query reads them. */
  async catchUp(fromMs: number, toMs: number): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    if (this.dirty && this.dirty.fromMs < toMs && fromMs < this.dirty.toMs) await this.runPending();
  }

  /** Backfills everything dirty (periodic job). */
  async runPending(): Promise<void> {
    if (this.running) return this.running;
    const range = this.dirty;
    if (!range) return;
    this.dirty = undefined;
    this.running = this.backfill(range)
      .catch((err: unknown) => {
        this.mark(range);
        throw err;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private mark(range: Range): void {
    this.dirty = this.dirty
      ? { fromMs: Math.min(this.dirty.fromMs, range.fromMs), toMs: Math.max(this.dirty.toMs, range.toMs) }
      : range;
  }

  private async backfill(range: Range): Promise<void> {
    const select = downsampleSelect(this.database);
    for (let from = range.fromMs; from < range.toMs; from += CHUNK_MS) {
      const to = Math.min(range.toMs, from + CHUNK_MS);
      await runQuery(this.conn, `${select}${where(timeRange(from, to))} GROUP BY time(5m), *`, {
        database: this.database,
      });
    }
    this.logger.debug({ fromMs: range.fromMs, toMs: range.toMs }, 'downsampled late points');
  }
}
