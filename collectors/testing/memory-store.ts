import { HeadroomError } from '../../core/errors.js';
import {
  accumulate,
  alignTime,
  emptyAggregate,
  type RollupAggregate,
  type RollupPoint,
} from '../../core/rollup.js';
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
import { matchesFilter, seriesKey } from '../../core/tags.js';
import type { RecordKind } from '../../core/records/index.js';

/**
 * An in-memory Store for collector tests: keeps points like InfluxDB does (one per series and
 * timestamp, a rewrite replaces it) and can be told to fail writes. Records are not supported.
 */
export class MemoryStore implements Store {
  readonly kind = 'embedded' as const;
  readonly points = new Map<string, RollupPoint>();
  /** Points written per call, in order. */
  readonly writes: RollupPoint[][] = [];
  /** Rewrites of an existing (series, time): a collector bug unless deliberate. */
  overwrites = 0;
  /** When set, `write` rejects with it. */
  failWith: Error | undefined;

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async health(): Promise<StoreHealth> {
    return { ok: true, state: 'ok', detail: 'memory' };
  }

  async write(points: readonly RollupPoint[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.writes.push([...points]);
    for (const p of points) {
      const key = `${seriesKey(p.measurement, p.tags)}@${p.timeMs}`;
      if (this.points.has(key)) this.overwrites++;
      this.points.set(key, p);
    }
  }

  all(): RollupPoint[] {
    return [...this.points.values()];
  }

  async queryRollups(query: RollupQuery): Promise<RollupSeries[]> {
    const groups = new Map<string, { tags: Record<string, string>; steps: Map<number, RollupAggregate> }>();
    for (const p of this.points.values()) {
      if (p.measurement !== query.measurement || p.timeMs < query.from || p.timeMs >= query.to) continue;
      if (!matchesFilter(p.tags, query.where)) continue;
      const tags: Record<string, string> = {};
      for (const k of query.groupBy ?? []) {
        const v = p.tags[k];
        if (v !== undefined) tags[k] = v;
      }
      const key = seriesKey('', tags);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { tags, steps: new Map() }));
      const t = alignTime(p.timeMs, query.stepMs);
      let agg = group.steps.get(t);
      if (!agg) group.steps.set(t, (agg = emptyAggregate(t)));
      accumulate(agg, { ...p, histogram: { ...p.histogram } });
    }
    return [...groups.values()].map((g) => ({
      tags: g.tags,
      points: [...g.steps.values()].sort((a, b) => a.timeMs - b.timeMs),
    }));
  }

  async listSeries(query: SeriesQuery = {}): Promise<SeriesInfo[]> {
    const seen = new Map<string, SeriesInfo>();
    for (const p of this.points.values()) {
      if (query.measurement && p.measurement !== query.measurement) continue;
      if (query.from !== undefined && p.timeMs < query.from) continue;
      if (!matchesFilter(p.tags, query.where)) continue;
      seen.set(seriesKey(p.measurement, p.tags), { measurement: p.measurement, tags: p.tags });
    }
    return [...seen.values()].slice(0, query.limit ?? Infinity);
  }

  async putRecords(_records: readonly StoredRecord[]): Promise<void> {
    throw new HeadroomError('unsupported', 'MemoryStore keeps no records');
  }
  async queryRecords<K extends RecordKind>(_query: RecordQuery<K>): Promise<StoredRecord<K>[]> {
    return [];
  }
  async deleteRecords(): Promise<void> {}
}
