import type { ObservableResult } from '@opentelemetry/api';
import type { Clock } from '../core/clock.js';
import type { Component, ComponentHealth } from '../core/component.js';
import type { SparseHistogram } from '../core/histogram.js';
import type { Logger } from '../core/logger.js';
import { alignTime, type Measurement, type RollupPoint } from '../core/rollup.js';
import type { Sink } from '../core/store.js';
import { getMeter } from '../core/telemetry.js';
import type { RollupConfig } from './rollup-config.js';
import { RollupInterval, type SeriesAccumulator } from './rollup-interval.js';
import { SeriesCatalog } from './series-catalog.js';
import { readWatermark, writeWatermark } from './rollup-state.js';
import { WriteQueue, type Admission } from './write-queue.js';

/** Outcome of one `record` call (numbers, so the hot path allocates nothing). */
export const RECORDED = 0;
/** Counted into the oldest open interval because its own had already been written. */
export const RECORDED_LATE = 1;
/** Older than `maxLateMs`: dropped (the receiver reports it as rejected). */
export const DROPPED_TOO_OLD = 2;
export type RecordOutcome = typeof RECORDED | typeof RECORDED_LATE | typeof DROPPED_TOO_OLD;

export interface RollupOptions {
  config: RollupConfig;
  /** Value of the `collector` tag: `<collector kind>:<instance>`. */
  collector: string;
  sink: Sink;
  clock: Clock;
  logger: Logger;
  /** Remembers the flush watermark across restarts so a restart never rewrites a written point. */
  stateFile?: string;
  /** How often closed intervals are flushed and failed writes retried (real time). */
  tickMs?: number;
}

/**
 * Per-interval rollup of calls into points (DESIGN.md "Telemetry model"), for one collector.
 *
 * - Time: a call counts in the interval holding its timestamp. An interval is written once it
 *   ended `graceMs` ago; calls for an interval already written are counted into the oldest open
 *   interval (counted as late) when at most `maxLateMs` old, else dropped (reported rejected),
 *   so a point once written is never written again (InfluxDB would overwrite it). Timestamps
 *   further than `maxFutureMs` ahead are clamped to now.
 * - Cardinality: each tag value passes a per-key cap (`maxValuesPerTag`) and each interval a
 *   series cap; values beyond fold into `other` (counted in headroom_rollup_folded).
 * - Delivery: closed intervals become points queued for `Sink.write` (durable when it
 *   resolves); failures are retried with backoff and never drop points. `admission()` tells
 *   receivers to shed load while the sink refuses or too many points wait.
 * - `stop()` writes every interval, the open ones included, before resolving. A crash loses
 *   at most the open intervals (≈ interval + grace), like the Collector's in-memory queue.
 */
export class Rollup implements Component {
  readonly name: string;
  private readonly config: RollupConfig;
  private readonly intervalMs: number;
  private readonly catalog: SeriesCatalog;
  private readonly queue: WriteQueue;
  private readonly log: Logger;
  private readonly intervals = new Map<number, RollupInterval>();
  private last: RollupInterval | undefined;
  /** Every interval starting before this has been closed (queued for writing). */
  private watermarkMs = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lateCount = 0;
  private droppedCount = 0;
  private readonly late;
  private readonly dropped;
  private readonly activeGauge;
  private readonly observeActive = (result: ObservableResult): void => {
    result.observe(this.activeSeries(), { collector: this.collector });
  };

  constructor(private readonly options: RollupOptions) {
    this.config = options.config;
    this.intervalMs = options.config.intervalMs;
    this.name = `rollup ${options.collector}`;
    this.log = options.logger.child({ component: 'rollup', collector: options.collector });
    this.catalog = new SeriesCatalog(this.config, options.collector);
    this.queue = new WriteQueue({
      sink: options.sink,
      clock: options.clock,
      logger: this.log,
      batchPoints: this.config.writeBatchPoints,
      maxPendingPoints: this.config.maxPendingPoints,
      collector: options.collector,
    });
    const meter = getMeter();
    this.late = meter.createCounter('headroom_rollup_late', {
      description: 'Calls counted into a later interval because their own had been written',
    });
    this.dropped = meter.createCounter('headroom_rollup_dropped', {
      description: 'Calls dropped by the rollup, by reason',
    });
    this.activeGauge = meter.createObservableGauge('headroom_rollup_active_series', {
      description: 'Series in the open rollup intervals',
    });
  }

  get collector(): string {
    return this.options.collector;
  }

  async start(): Promise<void> {
    this.watermarkMs = Math.max(this.watermarkMs, readWatermark(this.options.stateFile, this.log));
    this.activeGauge.addCallback(this.observeActive);
    this.queue.start();
    const tickMs = this.options.tickMs ?? Math.min(1_000, Math.max(50, this.intervalMs / 4));
    this.timer = setInterval(() => void this.flushDue(), tickMs);
    this.timer.unref();
  }

  /**
   * Records one call. `timeMs` is when it happened (span end), `nowMs` the current time (read
   * once per request by the caller). Tag values must already be normalised; empty means absent.
   */
  record(
    measurement: Measurement,
    service: string,
    provider: string,
    endpoint: string,
    method: string,
    region: string,
    statusClass: string,
    timeMs: number,
    nowMs: number,
    durationMs: number,
    isError: boolean,
  ): RecordOutcome {
    const start = this.intervalStart(timeMs, nowMs);
    if (start === undefined) return this.drop();
    const series = this.seriesFor(
      measurement,
      service,
      provider,
      endpoint,
      method,
      region,
      statusClass,
      start,
      nowMs,
    );
    series.observe(durationMs, isError);
    return this.lastLate ? this.markLate() : RECORDED;
  }

  /** Records a pre-aggregated group of calls (one metric data point). */
  recordAggregate(
    measurement: Measurement,
    tags: {
      service: string;
      provider: string;
      endpoint: string;
      method: string;
      region: string;
      statusClass: string;
    },
    timeMs: number,
    nowMs: number,
    fields: {
      count: number;
      errors: number;
      durationSumMs: number;
      durationMaxMs: number;
      histogram: SparseHistogram;
    },
  ): RecordOutcome {
    const start = this.intervalStart(timeMs, nowMs);
    if (start === undefined) return this.drop();
    const t = tags;
    const series = this.seriesFor(
      measurement,
      t.service,
      t.provider,
      t.endpoint,
      t.method,
      t.region,
      t.statusClass,
      start,
      nowMs,
    );
    series.add(fields.count, fields.errors, fields.durationSumMs, fields.durationMaxMs, fields.histogram);
    return this.lastLate ? this.markLate() : RECORDED;
  }

  /** Whether receivers should accept data now; when not, the status and Retry-After to answer. */
  admission(): Admission | undefined {
    return this.queue.admission();
  }

  /** Closes intervals whose grace period has passed and writes them (and retries). */
  async flushDue(): Promise<void> {
    if (this.stopped) return;
    const now = this.options.clock.now();
    this.closeBefore(
      alignTime(now - this.config.graceMs - this.intervalMs, this.intervalMs) + this.intervalMs,
    );
    await this.queue.drain();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.activeGauge.removeCallback(this.observeActive);
    const now = this.options.clock.now();
    // Later calls (none should come: receivers stop first) must not reuse a written timestamp.
    this.closeBefore(
      Math.max(
        alignTime(now, this.intervalMs) + this.intervalMs,
        ...[...this.intervals.keys()].map((s) => s + this.intervalMs),
      ),
    );
    const lost = await this.queue.stop(this.config.stopTimeoutMs);
    if (lost > 0) this.log.error({ points: lost }, 'rollup points could not be written before stopping');
    writeWatermark(this.options.stateFile, this.watermarkMs, this.log);
  }

  health(): ComponentHealth {
    return this.queue.health();
  }

  /** For GET /api/v1/status and tests. */
  status(): Record<string, unknown> {
    return {
      collector: this.collector,
      openIntervals: this.intervals.size,
      activeSeries: this.activeSeries(),
      late: this.lateCount,
      droppedTooOld: this.droppedCount,
      folded: this.catalog.folds(),
      ...this.queue.status(),
    };
  }

  /** Tracked distinct values for a tag key (tests and status). */
  distinctValues(measurement: Measurement, key: string): number {
    return this.catalog.distinctValues(measurement, key);
  }

  /** Whether the last `intervalStart` call moved the call into a later interval. */
  private lastLate = false;

  private intervalStart(timeMs: number, nowMs: number): number | undefined {
    let t = timeMs;
    if (!(t > 0) || t > nowMs + this.config.maxFutureMs) t = nowMs;
    else if (nowMs - t > this.config.maxLateMs) return undefined;
    const start = t - (t % this.intervalMs);
    this.lastLate = start < this.watermarkMs;
    return this.lastLate ? this.watermarkMs : start;
  }

  private seriesFor(
    measurement: Measurement,
    service: string,
    provider: string,
    endpoint: string,
    method: string,
    region: string,
    statusClass: string,
    start: number,
    nowMs: number,
  ): SeriesAccumulator {
    let interval = this.last;
    if (interval === undefined || interval.startMs !== start) {
      interval = this.intervals.get(start);
      if (interval === undefined) {
        interval = new RollupInterval(start);
        this.intervals.set(start, interval);
      }
      this.last = interval;
    }
    return (
      interval.index.get(measurement, service, provider, endpoint, method, region, statusClass) ??
      this.catalog.create(
        interval,
        measurement,
        [service, provider, endpoint, method, region, statusClass],
        nowMs,
      )
    );
  }

  private closeBefore(boundaryMs: number): void {
    if (boundaryMs <= this.watermarkMs) return;
    this.watermarkMs = boundaryMs;
    const closed = [...this.intervals.values()]
      .filter((i) => i.startMs < boundaryMs)
      .sort((a, b) => a.startMs - b.startMs);
    for (const interval of closed) {
      this.intervals.delete(interval.startMs);
      if (this.last === interval) this.last = undefined;
      const points: RollupPoint[] = [];
      for (const series of interval.series) points.push(series.toPoint(interval.startMs));
      this.queue.enqueue(points);
    }
  }

  private activeSeries(): number {
    let n = 0;
    for (const interval of this.intervals.values()) n += interval.series.length;
    return n;
  }

  private markLate(): RecordOutcome {
    this.lateCount++;
    this.late.add(1, { collector: this.collector });
    return RECORDED_LATE;
  }

  private drop(): RecordOutcome {
    this.droppedCount++;
    this.dropped.add(1, { collector: this.collector, reason: 'too_old' });
    return DROPPED_TOO_OLD;
  }
}
