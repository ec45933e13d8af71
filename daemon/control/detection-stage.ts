import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Counter } from '@opentelemetry/api';
import type { Clock } from '../../core/clock.js';
import type { Detector, DetectorResult } from '../../core/detector.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { AnomalyBody } from '../../core/records/index.js';
import { alignTime, type Measurement } from '../../core/rollup.js';
import { formatSignalValue, signalLabel } from '../../core/signal-format.js';
import { querySignal } from '../../core/signal-query.js';
import { isCountLike, type SignalName } from '../../core/signals.js';
import type { Store, StoredRecord } from '../../core/store.js';
import { seriesKey, type Tags } from '../../core/tags.js';
import { getMeter } from '../../core/telemetry.js';
import type { DetectionConfig } from '../../models/detection-config.js';
import { createDetector } from '../../models/detectors/registry.js';
import { readDetectorState, writeDetectorState, type DetectorState } from './detector-state-file.js';

/** The latest score of one watched series, for policies, the API and the dashboard. */
export interface SeriesScore {
  readonly measurement: Measurement;
  readonly signal: SignalName;
  readonly tags: Tags;
  readonly timeMs: number;
  readonly value: number;
  /** The detector's score, or the score of the alert it continues when suppressed. */
  readonly score: number;
  /** What the detector considered normal for this point, when it says. */
  readonly expected?: number;
  /** At or above the threshold, or a continuation of an alert the detector already raised. */
  readonly anomalous: boolean;
  readonly warmingUp: boolean;
  readonly explanation: string;
}

interface Tracked {
  readonly detector: Detector;
  readonly measurement: Measurement;
  readonly signal: SignalName;
  readonly tags: Tags;
  readonly family: string;
  lastTimeMs: number;
  lastAlertScore: number;
  latest: SeriesScore | undefined;
}

export interface DetectionStageOptions {
  config: DetectionConfig;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Folder of `detectors.json`. */
  stateDir: string;
}

/**
 * Scores every watched signal each step (DESIGN.md "Models"): reads the closed steps since the
 * last run from the store, feeds each series' detector in time order, and returns the points
 * that are anomalies as records (the caller stores them). Detector state and cursors are saved
 * to a file and restored at start, so a restart neither forgets what normal looks like nor
 * scores a step twice.
 */
export class DetectionStage {
  private readonly tracked = new Map<string, Tracked>();
  private readonly cursors = new Map<string, number>();
  private readonly log: Logger;
  private readonly statePath: string;
  private readonly counters: { scored: Counter; anomalies: Counter; skipped: Counter };
  private lastRunMs: number | undefined;
  private lastError: string | undefined;

  constructor(private readonly options: DetectionStageOptions) {
    this.log = options.logger.child({ component: 'detection' });
    this.statePath = join(options.stateDir, 'detectors.json');
    const meter = getMeter();
    this.counters = {
      scored: meter.createCounter('headroom_detection_points_scored', {
        description: 'Points scored by detectors',
      }),
      anomalies: meter.createCounter('headroom_detection_anomalies', {
        description: 'Anomaly records produced',
      }),
      skipped: meter.createCounter('headroom_detection_series_skipped', {
        description: 'Series not scored because models.detection.maxSeries was reached',
      }),
    };
    meter
      .createObservableGauge('headroom_detection_series', { description: 'Watched series, by state' })
      .addCallback((result) => {
        let warming = 0;
        for (const t of this.tracked.values()) if (t.latest?.warmingUp !== false) warming++;
        result.observe(warming, { state: 'warming_up' });
        result.observe(this.tracked.size - warming, { state: 'scoring' });
      });
  }

  /** Restores detectors and cursors from the state file; a broken file is logged and ignored. */
  async load(): Promise<void> {
    let state: DetectorState | undefined;
    try {
      state = await readDetectorState(this.statePath);
    } catch (err) {
      this.log.warn(
        { err: errorMessage(err), path: this.statePath },
        'detector state unreadable; starting fresh',
      );
      return;
    }
    if (!state) return;
    for (const [family, cursor] of Object.entries(state.cursors)) this.cursors.set(family, cursor);
    let restored = 0;
    for (const [key, snapshot] of Object.entries(state.detectors)) {
      const meta = snapshot.headroom as
        | { measurement: Measurement; signal: SignalName; tags: Tags; family: string; lastTimeMs: number }
        | undefined;
      if (!meta) continue;
      try {
        const detector = this.newDetector();
        detector.restore(snapshot);
        this.tracked.set(key, { detector, ...meta, lastAlertScore: 0, latest: undefined });
        restored++;
      } catch (err) {
        this.log.warn({ series: key, err: errorMessage(err) }, 'detector state not restored; relearning');
      }
    }
    this.log.info({ restored }, 'detector state restored');
  }

  /** Writes detectors and cursors to the state file (atomically). */
  async save(): Promise<void> {
    const detectors: DetectorState['detectors'] = {};
    for (const [key, t] of this.tracked) {
      detectors[key] = {
        ...t.detector.snapshot(),
        headroom: {
          measurement: t.measurement,
          signal: t.signal,
          tags: t.tags,
          family: t.family,
          lastTimeMs: t.lastTimeMs,
        },
      };
    }
    await writeDetectorState(this.statePath, {
      version: 1,
      cursors: Object.fromEntries(this.cursors),
      detectors,
    });
  }

  /** Scores the steps closed since the last run; returns the anomaly records to store. */
  async run(): Promise<StoredRecord<'anomaly'>[]> {
    const { config } = this.options;
    const stepMs = config.stepSeconds * 1000;
    const now = this.options.clock.now();
    const closedUntil = alignTime(now - config.lagSeconds * 1000, stepMs);
    const anomalies: StoredRecord<'anomaly'>[] = [];
    try {
      for (const watch of config.watch) {
        for (const signal of watch.signals) {
          const family = `${watch.measurement}|${watch.groupBy.join(',')}|${signal}`;
          const earliest = closedUntil - Math.max(stepMs, config.catchUpMinutes * 60_000);
          const from = Math.max(this.cursors.get(family) ?? closedUntil - stepMs, earliest);
          if (from >= closedUntil) continue;
          await this.scoreFamily(
            family,
            watch.measurement,
            watch.groupBy,
            signal,
            from,
            closedUntil,
            anomalies,
          );
          this.cursors.set(family, closedUntil);
        }
      }
      this.lastError = undefined;
    } catch (err) {
      this.lastError = errorMessage(err);
      throw err;
    } finally {
      this.lastRunMs = now;
    }
    if (anomalies.length > 0) this.counters.anomalies.add(anomalies.length);
    return anomalies;
  }

  /** The latest score of every watched series. */
  latest(): SeriesScore[] {
    const out: SeriesScore[] = [];
    for (const t of this.tracked.values()) if (t.latest) out.push(t.latest);
    return out;
  }

  status(): Record<string, unknown> {
    const scores = this.latest();
    return {
      series: this.tracked.size,
      warmingUp: scores.filter((s) => s.warmingUp).length + (this.tracked.size - scores.length),
      anomalousNow: scores.filter((s) => s.anomalous).length,
      lastRunMs: this.lastRunMs,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  private async scoreFamily(
    family: string,
    measurement: Measurement,
    groupBy: readonly string[],
    signal: SignalName,
    from: number,
    to: number,
    anomalies: StoredRecord<'anomaly'>[],
  ): Promise<void> {
    const { config, store } = this.options;
    const stepMs = config.stepSeconds * 1000;
    const groups = await querySignal(store, { measurement, signal, from, to, stepMs, groupBy });
    const seen = new Set<string>();
    let scored = 0;
    for (const group of groups) {
      const key = seriesKey(`${measurement}:${signal}`, group.tags);
      const tracked = this.tracked.get(key) ?? this.track(key, family, measurement, signal, group.tags);
      if (!tracked) continue;
      seen.add(key);
      for (const point of group.points) {
        if (this.score(tracked, point.t, point.value, anomalies)) scored++;
      }
    }
    // A series that stopped reporting has a count-like signal of 0, not "unknown": a provider
    // whose calls stop entirely must show up as a drop, not as silence.
    if (isCountLike(signal)) {
      for (const [key, tracked] of this.tracked) {
        if (tracked.family !== family || seen.has(key)) continue;
        for (let t = alignTime(from, stepMs); t < to; t += stepMs) {
          if (this.score(tracked, t, 0, anomalies)) scored++;
        }
      }
    }
    this.counters.scored.add(scored, { signal });
  }

  private track(
    key: string,
    family: string,
    measurement: Measurement,
    signal: SignalName,
    tags: Tags,
  ): Tracked | undefined {
    let inFamily = 0;
    for (const t of this.tracked.values()) if (t.family === family) inFamily++;
    if (inFamily >= this.options.config.maxSeries) {
      this.counters.skipped.add(1, { signal });
      return undefined;
    }
    const tracked: Tracked = {
      detector: this.newDetector(),
      measurement,
      signal,
      tags,
      family,
      lastTimeMs: -Infinity,
      lastAlertScore: 0,
      latest: undefined,
    };
    this.tracked.set(key, tracked);
    return tracked;
  }

  private newDetector(): Detector {
    const { type, ...options } = this.options.config.detector;
    return createDetector(type, options);
  }

  /** Feeds one point; returns false when it was already scored (catch-up overlap). */
  private score(
    tracked: Tracked,
    timeMs: number,
    value: number,
    anomalies: StoredRecord<'anomaly'>[],
  ): boolean {
    if (timeMs <= tracked.lastTimeMs) return false;
    tracked.lastTimeMs = timeMs;
    const result = tracked.detector.update({ timeMs, value });
    const threshold = this.options.config.threshold;
    if (result.score >= threshold) tracked.lastAlertScore = result.score;
    const continuing = result.explanation.suppressed === true && tracked.lastAlertScore >= threshold;
    const anomalous = result.score >= threshold || continuing;
    const score = anomalous ? Math.max(result.score, continuing ? tracked.lastAlertScore : 0) : result.score;
    const explanation = explain(tracked.signal, value, result, continuing);
    tracked.latest = {
      measurement: tracked.measurement,
      signal: tracked.signal,
      tags: tracked.tags,
      timeMs,
      value,
      score,
      ...(finite(result.explanation.expected) ? { expected: result.explanation.expected } : {}),
      anomalous,
      warmingUp: result.explanation.warmingUp === true,
      explanation,
    };
    if (!anomalous) {
      if (result.score < threshold && !result.explanation.suppressed) tracked.lastAlertScore = 0;
      return true;
    }
    const e = result.explanation;
    const body: AnomalyBody = {
      signal: tracked.signal,
      measurement: tracked.measurement,
      score: Math.min(1, Math.max(0, score)),
      observed: value,
      ...(finite(e.expected) ? { expected: e.expected } : {}),
      ...(finite(e.lower) ? { lower: e.lower } : {}),
      ...(finite(e.upper) ? { upper: e.upper } : {}),
      detector: this.options.config.detector.type,
      component: e.component,
      explanation,
    };
    const key = seriesKey(`${tracked.measurement}:${tracked.signal}`, tracked.tags);
    anomalies.push({
      kind: 'anomaly',
      id: `${createHash('sha256').update(key).digest('hex').slice(0, 16)}-${timeMs}`,
      timeMs,
      tags: { ...tracked.tags, signal: tracked.signal },
      body,
    });
    return true;
  }
}

function finite(x: number | undefined): x is number {
  return x !== undefined && Number.isFinite(x);
}

function explain(signal: SignalName, value: number, result: DetectorResult, continuing: boolean): string {
  const e = result.explanation;
  if (e.warmingUp)
    return `${signalLabel(signal)} ${formatSignalValue(signal, value)}: still learning what normal looks like`;
  const range =
    finite(e.lower) && finite(e.upper)
      ? ` (expected ${formatSignalValue(signal, e.lower)}–${formatSignalValue(signal, e.upper)})`
      : finite(e.expected)
        ? ` (expected about ${formatSignalValue(signal, e.expected)})`
        : '';
  const prefix = continuing ? 'still abnormal: ' : '';
  if (e.detail && !continuing) return `${signalLabel(signal)}: ${e.detail}`;
  return `${prefix}${signalLabel(signal)} ${formatSignalValue(signal, value)}${range}`;
}
