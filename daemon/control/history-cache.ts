import type { Measurement } from '../../core/rollup.js';
import { alignTime } from '../../core/rollup.js';
import { querySignal } from '../../core/signal-query.js';
import type { SignalName } from '../../core/signals.js';
import type { Store } from '../../core/store.js';
import { seriesKey, type Tags } from '../../core/tags.js';
import type { RegularSeries } from '../../core/time-series.js';

export interface Subject {
  readonly key: string;
  readonly measurement: Measurement;
  readonly signal: SignalName;
  readonly tags: Tags;
}

interface Entry {
  readonly subject: Subject;
  startMs: number;
  values: number[];
}

/**
 * Recent history of one signal for every group of one measurement, kept in memory and extended
 * incrementally: the first refresh reads `historyMs` from the store, later ones only the steps
 * closed since. Steps without data are 0 (the signal is count-like: a step without calls had no
 * calls); a group's history starts at its first non-zero step, so a new provider is not taken
 * for one that was idle for weeks.
 */
export class HistoryCache {
  private readonly entries = new Map<string, Entry>();
  private loadedUntil: number | undefined;

  constructor(
    private readonly options: {
      store: Store;
      measurement: Measurement;
      signal: SignalName;
      groupBy: readonly string[];
      stepMs: number;
      historyMs: number;
    },
  ) {}

  /** Reads the steps closed before `until` that are not cached yet. */
  async refresh(until: number): Promise<void> {
    const { stepMs, historyMs, store, measurement, signal, groupBy } = this.options;
    const to = alignTime(until, stepMs);
    const from = Math.max(this.loadedUntil ?? 0, to - historyMs);
    if (from >= to) return;
    const groups = await querySignal(store, { measurement, signal, from, to, stepMs, groupBy });
    const seen = new Set<string>();
    for (const group of groups) {
      const key = seriesKey(`${measurement}:${signal}`, group.tags);
      seen.add(key);
      let entry = this.entries.get(key);
      const points = group.points;
      if (!entry) {
        const first = points.findIndex((p) => p.value !== 0);
        if (first < 0) continue;
        entry = {
          subject: { key, measurement, signal, tags: group.tags },
          startMs: points[first]!.t,
          values: [],
        };
        this.entries.set(key, entry);
        for (const p of points.slice(first)) entry.values.push(p.value);
        continue;
      }
      this.extendTo(entry, from);
      for (const p of points) entry.values.push(p.value);
    }
    for (const [key, entry] of this.entries) {
      if (!seen.has(key)) this.extendTo(entry, to);
      this.trim(entry);
    }
    this.loadedUntil = to;
  }

  /** Every group's history, oldest value first. */
  histories(): { subject: Subject; series: RegularSeries }[] {
    return [...this.entries.values()].map((e) => ({
      subject: e.subject,
      series: { startMs: e.startMs, stepMs: this.options.stepMs, values: Float64Array.from(e.values) },
    }));
  }

  /** Pads with zeros up to (excluding) `timeMs`: no data reported means no calls. */
  private extendTo(entry: Entry, timeMs: number): void {
    const end = entry.startMs + entry.values.length * this.options.stepMs;
    for (let t = end; t < timeMs; t += this.options.stepMs) entry.values.push(0);
  }

  private trim(entry: Entry): void {
    const keep = Math.floor(this.options.historyMs / this.options.stepMs);
    const excess = entry.values.length - keep;
    if (excess > 0) {
      entry.values.splice(0, excess);
      entry.startMs += excess * this.options.stepMs;
    }
  }
}
