import { alignTime } from './rollup.js';
import { isCountLike, needsHistogram, signalValue, type SignalName, type SignalPoint } from './signals.js';
import type { RollupQuery, Store } from './store.js';
import type { Tags } from './tags.js';

export interface SignalQuery extends RollupQuery {
  signal: SignalName;
}

export interface SignalSeries {
  tags: Tags;
  points: SignalPoint[];
}

/**
 * Reads a signal from the store: rollups are aggregated per step by the store (merging
 * collectors, endpoints and whatever else is not in `groupBy`), then turned into the signal
 * here, in one place for both stores. Count-like signals report 0 for steps with no data; ratios
 * and latencies omit them (unknown, not zero).
 */
export async function querySignal(store: Store, query: SignalQuery): Promise<SignalSeries[]> {
  const groups = await store.queryRollups({ ...query, histogram: needsHistogram(query.signal) });
  const first = alignTime(query.from, query.stepMs);
  return groups.map((group) => {
    const points: SignalPoint[] = [];
    if (isCountLike(query.signal)) {
      const byTime = new Map(group.points.map((p) => [p.timeMs, p]));
      for (let t = first; t < query.to; t += query.stepMs) {
        const agg = byTime.get(t);
        points.push({ t, value: agg ? signalValue(query.signal, agg, query.stepMs) : 0 });
      }
    } else {
      for (const agg of group.points) {
        const value = signalValue(query.signal, agg, query.stepMs);
        if (Number.isFinite(value)) points.push({ t: agg.timeMs, value });
      }
    }
    return { tags: group.tags, points };
  });
}
