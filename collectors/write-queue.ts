import type { Clock } from '../core/clock.js';
import type { ComponentHealth } from '../core/component.js';
import { errorMessage, HeadroomError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { RollupPoint } from '../core/rollup.js';
import type { Sink } from '../core/store.js';
import { getMeter } from '../core/telemetry.js';

/** Why a receiver should refuse data right now, and what to answer (OTLP/HTTP "Throttling"). */
export interface Admission {
  readonly status: 429 | 503;
  readonly retryAfterSeconds: number;
  readonly reason: string;
}

export interface WriteQueueOptions {
  sink: Sink;
  clock: Clock;
  logger: Logger;
  batchPoints: number;
  maxPendingPoints: number;
  collector: string;
  /** First retry delay after a failed write; doubles up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Points waiting for `Sink.write`, written in order in batches. A failed write keeps its points
 * and is retried after a jittered, doubling delay (the next `drain()` at or after that time).
 * Points are never dropped while the daemon runs: instead `admission()` asks receivers to shed
 * load while the sink reports `spool_full` or more than `maxPendingPoints` wait.
 */
export class WriteQueue {
  private readonly pending: RollupPoint[][] = [];
  private pendingPoints = 0;
  private writing: Promise<void> | undefined;
  private retryAtMs = 0;
  private backoffMs = 0;
  private lastError: HeadroomError | Error | undefined;
  private writtenPoints = 0;
  private readonly written;
  private readonly failures;
  private readonly pendingGauge;
  private readonly observePending = (result: {
    observe(v: number, a: Record<string, string>): void;
  }): void => {
    result.observe(this.pendingPoints, { collector: this.options.collector });
  };

  constructor(private readonly options: WriteQueueOptions) {
    const meter = getMeter();
    this.written = meter.createCounter('headroom_rollup_points_written', {
      description: 'Rollup points accepted by the store (or its spool)',
    });
    this.failures = meter.createCounter('headroom_rollup_write_failures', {
      description: 'Failed rollup writes, by error code (points are kept and retried)',
    });
    this.pendingGauge = meter.createObservableGauge('headroom_rollup_pending_points', {
      description: 'Rollup points waiting to be written',
    });
  }

  start(): void {
    this.pendingGauge.addCallback(this.observePending);
  }

  enqueue(points: RollupPoint[]): void {
    if (points.length === 0) return;
    for (let i = 0; i < points.length; i += this.options.batchPoints) {
      const batch = points.slice(i, i + this.options.batchPoints);
      this.pending.push(batch);
      this.pendingPoints += batch.length;
    }
  }

  get size(): number {
    return this.pendingPoints;
  }

  /** Writes what is pending, unless a retry delay is running; resolves when this attempt ends. */
  drain(): Promise<void> {
    if (this.writing) return this.writing;
    if (this.pending.length === 0 || this.options.clock.now() < this.retryAtMs) return Promise.resolve();
    this.writing = this.writeAll().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  admission(): Admission | undefined {
    const retryAfterSeconds = Math.max(1, Math.ceil(Math.max(this.backoffMs, 1_000) / 1_000));
    if (this.lastError instanceof HeadroomError && this.lastError.code === 'spool_full') {
      return { status: 503, retryAfterSeconds, reason: 'the write spool is full' };
    }
    if (this.pendingPoints >= this.options.maxPendingPoints) {
      return {
        status: 503,
        retryAfterSeconds,
        reason: `${this.pendingPoints} rollup points are waiting for the store`,
      };
    }
    return undefined;
  }

  health(): ComponentHealth {
    if (this.lastError) {
      return {
        state: 'degraded',
        detail: `${this.pendingPoints} points pending: ${errorMessage(this.lastError)}`,
      };
    }
    return { state: 'ok', detail: `${this.writtenPoints} points written` };
  }

  status(): Record<string, unknown> {
    return {
      pendingPoints: this.pendingPoints,
      writtenPoints: this.writtenPoints,
      ...(this.lastError ? { lastWriteError: errorMessage(this.lastError) } : {}),
    };
  }

  /**
   * Keeps writing (retrying with backoff, in real time) until nothing is pending or `timeoutMs`
   * passed; returns the number of points that could not be written.
   */
  async stop(timeoutMs: number): Promise<number> {
    this.pendingGauge.removeCallback(this.observePending);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      await this.writing;
      this.retryAtMs = 0;
      await this.drain();
      if (this.pendingPoints === 0) return 0;
      const left = deadline - performance.now();
      if (left <= 0) return this.pendingPoints;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, Math.max(this.backoffMs, 50))));
    }
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending[0]!;
      try {
        await this.options.sink.write(batch);
      } catch (err) {
        this.onFailure(err);
        return;
      }
      this.pending.shift();
      this.pendingPoints -= batch.length;
      this.writtenPoints += batch.length;
      this.written.add(batch.length, { collector: this.options.collector });
      if (this.lastError)
        this.options.logger.info({ pending: this.pendingPoints }, 'rollup writes recovered');
      this.lastError = undefined;
      this.backoffMs = 0;
      this.retryAtMs = 0;
    }
  }

  private onFailure(err: unknown): void {
    const code = err instanceof HeadroomError ? err.code : 'error';
    this.failures.add(1, { collector: this.options.collector, code });
    if (!this.lastError)
      this.options.logger.warn(
        { code, err: errorMessage(err), pending: this.pendingPoints },
        'rollup write failed; retrying',
      );
    this.lastError = err instanceof Error ? err : new Error(String(err));
    const min = this.options.minBackoffMs ?? 250;
    const max = this.options.maxBackoffMs ?? 30_000;
    this.backoffMs = Math.min(max, this.backoffMs === 0 ? min : this.backoffMs * 2);
    const asked = err instanceof HeadroomError ? (err.retryAfterMs ?? 0) : 0;
    // Full jitter in [backoff/2, backoff], so replicas do not retry in lockstep.
    const delay = Math.max(asked, this.backoffMs / 2 + Math.random() * (this.backoffMs / 2));
    this.retryAtMs = this.options.clock.now() + delay;
  }
}
