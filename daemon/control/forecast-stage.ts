import { createHash } from 'node:crypto';
import type { Logger } from '../../core/logger.js';
import type { Clock } from '../../core/clock.js';
import { DeferredLoad } from '../../core/deferred-load.js';
import { HeadroomError } from '../../core/errors.js';
import type { ForecastBody } from '../../core/records/index.js';
import type { Store, StoredRecord } from '../../core/store.js';
import { matchesFilter, seriesKey, type TagFilter } from '../../core/tags.js';
import { getMeter, inSpan } from '../../core/telemetry.js';
import type { ForecastingConfig } from '../../models/forecasters/config.js';
import { ModelRegistry } from '../../models/registry/model-registry.js';
import { PromotedForecaster } from '../../models/registry/promoted-forecaster.js';
import { retrain, type RetrainReport } from '../../models/training/retrain.js';
import { HistoryCache } from './history-cache.js';

/** What is forecast: request rate per provider (outbound) and per service (inbound load). */
const FAMILIES = [
  { measurement: 'api_calls', groupBy: ['provider'] },
  { measurement: 'inbound', groupBy: ['service'] },
] as const;

export interface ForecastStageOptions {
  config: ForecastingConfig;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Absolute registry folder. */
  registryDir: string;
  /** Steps younger than this are not read yet: their rollups may still be arriving. */
  settleMs: number;
}

/**
 * Forecasts every active `request_rate` signal (issue 4 item 6): keeps their history in memory,
 * forecasts them in one batch with the promoted model (baselines on cold start, with a note),
 * stores each forecast as a record and serves the latest from memory. Retrains on demand (the
 * daemon's cron and `headroom retrain`), one run at a time.
 */
export class ForecastStage {
  private readonly caches: HistoryCache[];
  private readonly latestByKey = new Map<string, StoredRecord<'forecast'>>();
  private latestRevision = 0;
  private readonly log: Logger;
  /** Recent forecasts read back at start, or on a later run when the store was down. */
  private recent: DeferredLoad | undefined;
  private forecaster: PromotedForecaster | undefined;
  private retraining: Promise<RetrainReport> | undefined;
  private lastReport: RetrainReport | undefined;
  private lastError: string | undefined;
  private readonly issued;

  constructor(private readonly options: ForecastStageOptions) {
    this.log = options.logger.child({ component: 'forecasting' });
    const stepMs = options.config.stepSeconds * 1000;
    const historyMs = options.config.historyDays * 86_400_000;
    this.caches = FAMILIES.map(
      (f) =>
        new HistoryCache({
          store: options.store,
          measurement: f.measurement,
          signal: 'request_rate',
          groupBy: f.groupBy,
          stepMs,
          historyMs,
        }),
    );
    this.issued = getMeter().createCounter('headroom_forecasts_issued', {
      description: 'Forecasts issued, by model and whether a fallback made them',
    });
  }

  get registry(): ModelRegistry {
    return new ModelRegistry(this.options.registryDir);
  }

  async start(): Promise<void> {
    this.forecaster = await PromotedForecaster.open(this.options.registryDir, this.log);
    this.recent = new DeferredLoad(() => this.restoreRecent(), this.log, 'recent forecasts restored later');
    await this.recent.start();
    this.log.info(
      {
        model: this.forecaster.artefact
          ? `${this.forecaster.artefact.modelId} ${this.forecaster.artefact.version}`
          : 'baselines',
      },
      'forecasting ready',
    );
  }

  private async restoreRecent(): Promise<void> {
    const recent = await this.options.store.queryRecords({
      kind: 'forecast',
      from: this.options.clock.now() - 3_600_000,
      limit: 5_000,
      order: 'asc',
    });
    for (const record of recent) this.remember(record);
  }

  stop(): void {
    this.forecaster?.dispose();
    this.forecaster = undefined;
  }

  /** Refreshes histories and issues a forecast for every active series; returns the records. */
  async run(): Promise<StoredRecord<'forecast'>[]> {
    const forecaster = this.forecaster;
    if (!forecaster) throw new HeadroomError('not_started', 'forecasting has not started');
    await this.recent?.ensure();
    const { config, clock, store } = this.options;
    const now = clock.now();
    const stepMs = config.stepSeconds * 1000;
    const horizonSteps = Math.max(1, Math.round((config.horizonMinutes * 60_000) / stepMs));
    const histories = await this.histories(now);
    const active = histories.slice(0, config.maxSeries);
    if (histories.length > active.length) {
      this.log.warn(
        { skipped: histories.length - active.length },
        'more series than models.forecasting.maxSeries',
      );
    }
    if (active.length === 0) return [];
    const served = await inSpan('forecast', async (span) => {
      span.setAttribute('series', active.length);
      return forecaster.forecastMany(
        active.map((h) => h.series),
        horizonSteps,
      );
    });
    const records: StoredRecord<'forecast'>[] = served.map((s, i) => {
      const { subject } = active[i]!;
      const f = s.forecast;
      const body: ForecastBody = {
        signal: subject.signal,
        measurement: subject.measurement,
        startMs: f.startMs,
        stepMs: f.stepMs,
        p10: Array.from(f.p10),
        p50: Array.from(f.p50),
        p90: Array.from(f.p90),
        model: { id: f.modelId, version: f.modelVersion },
        ...(s.backtest ? { backtest: s.backtest } : {}),
        ...(s.note ? { note: s.note } : {}),
      };
      this.issued.add(1, { model: f.modelId, fallback: s.note ? 'yes' : 'no' });
      return {
        kind: 'forecast',
        id: `${createHash('sha256').update(subject.key).digest('hex').slice(0, 16)}-${now}`,
        timeMs: now,
        tags: { ...subject.tags, signal: subject.signal, measurement: subject.measurement },
        body,
      };
    });
    await store.putRecords(records);
    for (const record of records) this.remember(record);
    return records;
  }

  /** Changes whenever what `latest()` returns changes (the API caches its answers by it). */
  revision(): number {
    return this.latestRevision;
  }

  /** Latest forecast of every series matching `where` (tags incl. signal and measurement). */
  latest(where?: TagFilter): StoredRecord<'forecast'>[] {
    return [...this.latestByKey.values()].filter((r) => matchesFilter(r.tags, where));
  }

  /** Trains, backtests and promotes or keeps (one run at a time); reloads the served model. */
  retrain(
    onProgress?: (event: { stage: string; done: number; total: number }) => void,
    signal?: AbortSignal,
  ): Promise<RetrainReport> {
    this.retraining ??= this.doRetrain(onProgress, signal).finally(() => {
      this.retraining = undefined;
    });
    return this.retraining;
  }

  status(): Record<string, unknown> {
    const artefact = this.forecaster?.artefact;
    return {
      serving: artefact
        ? { model: artefact.modelId, version: artefact.version, stepMs: artefact.stepMs }
        : 'baselines',
      series: this.latestByKey.size,
      retraining: this.retraining !== undefined,
      ...(this.lastReport
        ? { lastRetrain: { outcome: this.lastReport.outcome, reason: this.lastReport.reason } }
        : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  private async doRetrain(
    onProgress: ((event: { stage: string; done: number; total: number }) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RetrainReport> {
    const { config, clock } = this.options;
    const now = clock.now();
    const stepMs = config.stepSeconds * 1000;
    const histories = (await this.histories(now)).map((h) => h.series).filter((s) => s.values.length > 0);
    try {
      const report = await retrain({
        histories,
        registryDir: this.options.registryDir,
        now,
        horizonSteps: Math.max(1, Math.round((config.horizonMinutes * 60_000) / stepMs)),
        evaluationSteps: Math.max(1, Math.round((config.evaluationDays * 86_400_000) / stepMs)),
        candidate: config.model,
        mlp: { ...config.training },
        logger: this.log,
        ...(onProgress ? { onProgress } : {}),
        ...(signal ? { signal } : {}),
      });
      await this.forecaster?.reload();
      this.lastReport = report;
      this.lastError = undefined;
      this.log.info({ outcome: report.outcome, reason: report.reason }, 'retrain finished');
      return report;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      throw err;
    }
  }

  private async histories(now: number) {
    for (const cache of this.caches) await cache.refresh(now - this.options.settleMs);
    return this.caches.flatMap((c) => c.histories());
  }

  private remember(record: StoredRecord<'forecast'>): void {
    const key = seriesKey('forecast', record.tags);
    const known = this.latestByKey.get(key);
    if (!known || known.timeMs <= record.timeMs) {
      this.latestByKey.set(key, record);
      this.latestRevision++;
    }
  }
}
