import type { Clock } from '../../core/clock.js';
import { alignTime, type Measurement } from '../../core/rollup.js';
import { querySignal } from '../../core/signal-query.js';
import type { SignalName } from '../../core/signals.js';
import type { Store } from '../../core/store.js';
import { matchesFilter, type Tags } from '../../core/tags.js';

/** The latest settled values of one subject (a provider, a provider endpoint or region, a service). */
export interface SubjectSignals {
  /** Requests per second in the latest step with traffic. */
  ratePerSecond?: number;
  errorRatio?: number;
  latencyP95Ms?: number;
  /** Requests in that step. */
  count?: number;
  /** Start of the newest step that had data; undefined when none in the look-back window. */
  lastDataMs?: number;
}

interface Family {
  measurement: Measurement;
  groupBy: readonly string[];
}

const SIGNALS: readonly SignalName[] = ['count', 'error_ratio', 'latency_p95_ms'];

/**
 * What policies read about "now": for each subject family, the newest settled step of request
 * rate, error ratio and p95 latency, looked up by tags. One refresh per control-loop pass reads
 * a short window (`lookbackMs`) so that a subject whose data stopped is seen as stale rather than
 * as quiet.
 */
export class PolicySignals {
  private readonly latest = new Map<string, { tags: Tags; signals: SubjectSignals }[]>();
  private readonly families: Family[] = [];

  constructor(
    private readonly options: {
      store: Store;
      clock: Clock;
      stepMs: number;
      settleMs: number;
      lookbackMs: number;
    },
  ) {}

  /** Declares a family to read (idempotent). */
  want(measurement: Measurement, groupBy: readonly string[]): void {
    if (!this.families.some((f) => f.measurement === measurement && f.groupBy.join() === groupBy.join())) {
      this.families.push({ measurement, groupBy });
    }
  }

  async refresh(): Promise<void> {
    const { store, clock, stepMs, settleMs, lookbackMs } = this.options;
    const to = alignTime(clock.now() - settleMs, stepMs);
    const from = to - Math.max(stepMs, lookbackMs);
    for (const family of this.families) {
      const rows = new Map<string, { tags: Tags; signals: SubjectSignals }>();
      for (const signal of SIGNALS) {
        const groups = await querySignal(store, {
          measurement: family.measurement,
          signal,
          from,
          to,
          stepMs,
          groupBy: family.groupBy,
        });
        for (const group of groups) {
          const points = signal === 'count' ? group.points.filter((p) => p.value > 0) : group.points;
          const last = points[points.length - 1];
          if (!last) continue;
          const key = JSON.stringify(group.tags);
          const row = rows.get(key) ?? { tags: group.tags, signals: {} };
          rows.set(key, row);
          if (signal === 'count') {
            row.signals.count = last.value;
            row.signals.ratePerSecond = last.value / (stepMs / 1000);
            row.signals.lastDataMs = last.t;
          } else if (signal === 'error_ratio') row.signals.errorRatio = last.value;
          else row.signals.latencyP95Ms = last.value;
        }
      }
      this.latest.set(familyKey(family.measurement, family.groupBy), [...rows.values()]);
    }
  }

  /**
   * Signals of the subject `tags` in the family grouped by exactly `groupBy`; an empty object
   * when it had no data in the look-back window.
   */
  get(measurement: Measurement, groupBy: readonly string[], tags: Tags): SubjectSignals {
    const rows = this.latest.get(familyKey(measurement, groupBy)) ?? [];
    return (
      rows.find((r) => matchesFilter(r.tags, tags) && Object.keys(r.tags).length === Object.keys(tags).length)
        ?.signals ?? {}
    );
  }
}

function familyKey(measurement: Measurement, groupBy: readonly string[]): string {
  return `${measurement}|${groupBy.join(',')}`;
}
