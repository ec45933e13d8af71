import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchObservableCallback, Counter } from '@opentelemetry/api';
import type { Clock } from '../../core/clock.js';
import { errorMessage, HeadroomError, isRetryable } from '../../core/errors.js';
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
import type { SpoolConfig } from '../config.js';
import { validatePoints, validateRecords } from '../validate-writes.js';
import { Spool, type SpooledEntry } from './spool.js';
import type { SpoolEntry } from './spool-codec.js';

/** Bytes read from the spool per replay step. */
const REPLAY_BATCH_BYTES = 4 * 1024 * 1024;
/** Points merged into one store write during replay. */
const REPLAY_POINTS_PER_WRITE = 50_000;
/** At most one warning per this interval about refused writes. */
const WARN_INTERVAL_MS = 60_000;

export interface SpooledStoreDeps {
  logger: Logger;
  clock: Clock;
  /** Spool directory (config `dir`, or `<dataDir>/spool`). */
  dir: string;
  /**
   * Identity of the inner store (kind, URL without credentials, database). Once it has been
   * reached from this spool directory, an unreachable store at a later start is an outage, not
   * a misconfiguration: the daemon starts and spools instead of refusing to start.
   */
  identity?: string;
}

type Mode = 'direct' | 'spooling';

/**
 * A Store in front of a Store: writes go straight to the inner store while it works; when a
 * write fails in a way that may pass (unreachable, timeout after `storeTimeoutMs`, disk busy),
 * it and every later write (rollups, records and record deletions alike) go to the durable spool
 * until the spool has been replayed, in order, into the store. So a write is acknowledged once it
 * is in the store or fsynced in the spool, and the last write of a series + time wins.
 * Queries pass through (they do not see what is still spooled).
 *
 * When the spool is full, writes are refused with `spool_full` (retryable): the caller sheds load
 * (e.g. OTLP 503) and the daemon stays up. Metrics: headroom.store.writes, headroom.spool.spooled,
 * .replayed, .refused, .dropped (counters) and headroom.spool.depth_bytes / depth_entries (gauges).
 */
export class SpooledStore implements Store {
  readonly kind: Store['kind'];
  private spool: Spool | undefined;
  private mode: Mode = 'direct';
  private lastStoreError = '';
  private replaying: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly logger: Logger;
  private readonly counters: Record<'writes' | 'spooled' | 'replayed' | 'refused' | 'dropped', Counter>;
  private lastRefusalWarnMs = -Infinity;
  /** The spool refused a write and has not taken one (or shrunk) since. */
  private refusing = false;
  private refusedSinceWarn = 0;
  private state: 'new' | 'started' | 'stopped' = 'new';
  /** False while the inner store could not be started (started from the replay loop). */
  private innerStarted = false;
  private readonly removeGauges: () => void;

  constructor(
    readonly inner: Store,
    private readonly config: SpoolConfig,
    private readonly deps: SpooledStoreDeps,
  ) {
    this.kind = inner.kind;
    this.logger = deps.logger.child({ component: 'spool' });
    const meter = getMeter();
    const counter = (name: string, description: string): Counter =>
      meter.createCounter(name, { description });
    this.counters = {
      writes: counter(
        'headroom.store.writes',
        'Items (points, records, deletions) written straight to the store',
      ),
      spooled: counter(
        'headroom.spool.spooled',
        'Items written to the spool because the store was down or slow',
      ),
      replayed: counter('headroom.spool.replayed', 'Spooled items replayed into the store'),
      refused: counter('headroom.spool.refused', 'Items refused because the spool was full or unwritable'),
      dropped: counter(
        'headroom.spool.dropped',
        'Spool entries dropped: torn at start-up or rejected by the store',
      ),
    };
    const bytes = meter.createObservableGauge('headroom.spool.depth_bytes', {
      description: 'Bytes in the spool waiting for replay',
      unit: 'By',
    });
    const entries = meter.createObservableGauge('headroom.spool.depth_entries', {
      description: 'Writes in the spool waiting for replay',
    });
    const observe: BatchObservableCallback = (result) => {
      const depth = this.depth();
      result.observe(bytes, depth.bytes);
      result.observe(entries, depth.entries);
    };
    meter.addBatchObservableCallback(observe, [bytes, entries]);
    this.removeGauges = () => meter.removeBatchObservableCallback(observe, [bytes, entries]);
  }

  /** What is waiting in the spool (zero when it is empty or not open). */
  depth(): { bytes: number; entries: number } {
    return this.spool?.depth() ?? { bytes: 0, entries: 0 };
  }

  /**
   * Opens the spool (re-reading what a previous run left), then starts the inner store. Its
   * failure fails start-up (a wrong URL should be loud), except when the failure is retryable
   * and this spool directory has reached this very store before: then it is an outage, and the
   * daemon starts spooling, starting the store from the replay loop once it answers. A non-empty
   * spool is replayed in the background.
   */
  async start(signal?: AbortSignal): Promise<void> {
    this.spool = await Spool.open({
      dir: this.deps.dir,
      maxBytes: this.config.maxBytes,
      segmentBytes: this.config.segmentBytes,
      fsyncIntervalMs: this.config.fsyncIntervalMs,
      logger: this.logger,
    });
    if (this.spool.droppedAtOpen > 0) this.counters.dropped.add(this.spool.droppedAtOpen, { reason: 'torn' });
    try {
      await this.inner.start(signal);
      this.innerStarted = true;
      await this.rememberStore();
    } catch (err) {
      if (!isRetryable(err) || !(await this.storeSeenBefore())) {
        await this.spool.close();
        throw err;
      }
      this.state = 'started';
      this.enterSpooling(`unreachable at start: ${errorMessage(err)}`);
      return;
    }
    this.state = 'started';
    if (!this.spool.isEmpty()) this.enterSpooling('spool not empty at start');
  }

  /** Waits for writes in progress, stops replay, fsyncs the spool, then stops the inner store. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.stopping.abort();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.replaying;
    await this.spool?.close();
    this.removeGauges();
    await this.inner.stop();
  }

  async health(): Promise<StoreHealth> {
    const depth = this.depth();
    const spoolText = `spool ${depth.entries} writes, ${depth.bytes} bytes`;
    const inner = await this.inner
      .health()
      .catch((err: unknown) => ({ ok: false, detail: errorMessage(err) }));
    if (this.refusing)
      return {
        ok: false,
        state: 'down',
        detail: `spool full, writes refused (${spoolText}); ${inner.detail}`,
      };
    if (this.mode === 'direct' && inner.ok) return { ok: true, state: 'ok', detail: inner.detail };
    const why = this.lastStoreError ? `store failing: ${this.lastStoreError}` : inner.detail;
    return { ok: false, state: 'spooling', detail: `writes go to the spool (${spoolText}); ${why}` };
  }

  write(points: readonly RollupPoint[], signal?: AbortSignal): Promise<void> {
    if (points.length === 0) return Promise.resolve();
    return this.track(
      (s) => this.inner.write(points, s),
      () => ({ type: 'points', points: validatePoints(points) }),
      points.length,
      signal,
    );
  }

  putRecords(records: readonly StoredRecord[], signal?: AbortSignal): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.track(
      (s) => this.inner.putRecords(records, s),
      () => ({ type: 'records', records: validateRecords(records) }),
      records.length,
      signal,
    );
  }

  deleteRecords(kind: RecordKind, ids: readonly string[], signal?: AbortSignal): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return this.track(
      (s) => this.inner.deleteRecords(kind, ids, s),
      () => ({ type: 'delete', kind, ids: [...ids] }),
      ids.length,
      signal,
    );
  }

  queryRollups(query: RollupQuery): Promise<RollupSeries[]> {
    return this.inner.queryRollups(query);
  }

  listSeries(query?: SeriesQuery): Promise<SeriesInfo[]> {
    return this.inner.listSeries(query);
  }

  queryRecords<K extends RecordKind>(query: RecordQuery<K>): Promise<StoredRecord<K>[]> {
    return this.inner.queryRecords(query);
  }

  private track(
    direct: (signal: AbortSignal) => Promise<void>,
    entry: () => SpoolEntry,
    items: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const p = this.accept(direct, entry, items, signal);
    this.inFlight.add(p);
    void p.then(
      () => this.inFlight.delete(p),
      () => this.inFlight.delete(p),
    );
    return p;
  }

  private async accept(
    direct: (signal: AbortSignal) => Promise<void>,
    entry: () => SpoolEntry,
    items: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (this.state !== 'started')
      throw new HeadroomError('store_stopped', 'store is not running', { retryable: true });
    if (this.mode === 'direct') {
      const timeout = AbortSignal.timeout(this.config.storeTimeoutMs);
      try {
        await direct(signal ? anySignal([signal, timeout]) : timeout);
        this.refusing = false;
        this.counters.writes.add(items);
        return;
      } catch (err) {
        if (signal?.aborted || !isRetryable(err)) throw err;
        this.enterSpooling(
          timeout.aborted ? `no answer within ${this.config.storeTimeoutMs} ms` : errorMessage(err),
        );
      }
    }
    await this.append(entry(), items);
  }

  private async append(entry: SpoolEntry, items: number): Promise<void> {
    const spool = this.spool as Spool;
    try {
      await spool.append(entry);
      this.refusing = false;
      this.counters.spooled.add(items);
    } catch (err) {
      if (err instanceof HeadroomError && err.code === 'spool_full') this.refusing = true;
      this.counters.refused.add(items);
      this.refusedSinceWarn += items;
      const now = this.deps.clock.now();
      if (now - this.lastRefusalWarnMs >= WARN_INTERVAL_MS) {
        this.logger.warn(
          { refused: this.refusedSinceWarn, err: errorMessage(err), ...spool.depth() },
          'spool refused writes',
        );
        this.lastRefusalWarnMs = now;
        this.refusedSinceWarn = 0;
      }
      throw err;
    }
  }

  private enterSpooling(why: string): void {
    this.lastStoreError = why;
    if (this.mode === 'spooling') return;
    this.mode = 'spooling';
    this.logger.warn({ why }, 'store unavailable: writes go to the spool until it is replayed');
    this.replaying = this.replay().catch((err: unknown) => {
      this.logger.error({ err: errorMessage(err) }, 'spool replay stopped');
    });
  }

  private markerPath(): string {
    return join(this.deps.dir, 'store-identity');
  }

  /** Notes that this store was reached from this spool directory. */
  private async rememberStore(): Promise<void> {
    if (!this.deps.identity) return;
    await writeFile(this.markerPath(), this.deps.identity).catch((err: unknown) =>
      this.logger.warn({ err: errorMessage(err) }, 'cannot write the store identity marker'),
    );
  }

  private async storeSeenBefore(): Promise<boolean> {
    if (!this.deps.identity) return false;
    const seen = await readFile(this.markerPath(), 'utf8').catch(() => undefined);
    return seen === this.deps.identity;
  }

  /** Replays the spool in order; back to direct writes once it is empty. */
  private async replay(): Promise<void> {
    const spool = this.spool as Spool;
    const stop = this.stopping.signal;
    let replayed = 0;
    while (!this.innerStarted && !stop.aborted) {
      try {
        await this.inner.start(anySignal([AbortSignal.timeout(this.config.storeTimeoutMs), stop]));
        this.innerStarted = true;
        this.logger.info('store reachable: started, replaying the spool');
      } catch (err) {
        this.lastStoreError = errorMessage(err);
        await sleep(this.config.retryIntervalMs, undefined, { signal: stop }).catch(() => undefined);
      }
    }
    while (!stop.aborted) {
      const batch = await spool.readBatch(REPLAY_BATCH_BYTES);
      if (batch.length === 0) {
        if (spool.isEmpty()) break;
        await Promise.race([spool.waitForData(), abortable(stop)]);
        continue;
      }
      for (const group of groupEntries(batch)) {
        const done = await this.replayGroup(group, stop);
        if (!done) return;
        await spool.ack(group.end, group.entries);
        this.refusing = false;
        replayed += group.entries;
      }
    }
    if (stop.aborted) return;
    // In the same tick as the emptiness check above: no append can slip in between.
    this.mode = 'direct';
    this.lastStoreError = '';
    this.logger.info({ replayedWrites: replayed }, 'store is back: spool replayed, writing directly again');
  }

  /** Writes one group to the store, retrying while that may help; false when stopping. */
  private async replayGroup(group: ReplayGroup, stop: AbortSignal): Promise<boolean> {
    for (;;) {
      if (stop.aborted) return false;
      const timeout = AbortSignal.timeout(this.config.storeTimeoutMs);
      try {
        await replayInto(this.inner, group.entry, anySignal([timeout, stop]));
        this.counters.replayed.add(group.items);
        return true;
      } catch (err) {
        if (stop.aborted) return false;
        if (!isRetryable(err)) {
          // The store will never take it (e.g. a field type conflict): drop it, or replay stalls forever.
          this.counters.dropped.add(group.entries, { reason: 'rejected' });
          this.logger.error(
            { err: errorMessage(err), writes: group.entries },
            'store rejected spooled writes; dropped',
          );
          return true;
        }
        this.lastStoreError = timeout.aborted
          ? `no answer within ${this.config.storeTimeoutMs} ms`
          : errorMessage(err);
        await sleep(this.config.retryIntervalMs, undefined, { signal: stop }).catch(() => undefined);
      }
    }
  }
}

interface ReplayGroup {
  entry: SpoolEntry;
  end: SpooledEntry['end'];
  /** Spool entries merged into this group, and the items (points, records, ids) they hold. */
  entries: number;
  items: number;
}

/** Merges consecutive rollup entries (keeping their order) so replay writes big batches. */
function groupEntries(batch: readonly SpooledEntry[]): ReplayGroup[] {
  const groups: ReplayGroup[] = [];
  for (const { entry, end } of batch) {
    const last = groups[groups.length - 1];
    if (
      last &&
      last.entry.type === 'points' &&
      entry.type === 'points' &&
      last.entry.points.length + entry.points.length <= REPLAY_POINTS_PER_WRITE
    ) {
      last.entry = { type: 'points', points: [...last.entry.points, ...entry.points] };
      last.end = end;
      last.entries++;
      last.items += entry.points.length;
      continue;
    }
    groups.push({ entry, end, entries: 1, items: itemsOf(entry) });
  }
  return groups;
}

function itemsOf(entry: SpoolEntry): number {
  return entry.type === 'points'
    ? entry.points.length
    : entry.type === 'records'
      ? entry.records.length
      : entry.ids.length;
}

function replayInto(store: Store, entry: SpoolEntry, signal: AbortSignal): Promise<void> {
  switch (entry.type) {
    case 'points':
      return store.write(entry.points, signal);
    case 'records':
      return store.putRecords(entry.records, signal);
    case 'delete':
      return store.deleteRecords(entry.kind, entry.ids, signal);
  }
}

function abortable(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** AbortSignal.any (Node >= 20.3; missing from the DOM typings this project compiles against). */
function anySignal(signals: AbortSignal[]): AbortSignal {
  return (AbortSignal as unknown as { any(signals: AbortSignal[]): AbortSignal }).any(signals);
}
