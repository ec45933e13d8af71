import { HeadroomError } from '../../core/errors.js';
import type { RecordKind } from '../../core/records/index.js';
import type { RecordQuery, Store, StoredRecord } from '../../core/store.js';
import { matchesFilter } from '../../core/tags.js';

/**
 * The records part of the Store contract in memory, for tests of code that only keeps records
 * (the actuation guard, the decisions API). Semantics follow core/store.ts: upsert by
 * (kind, id), `from` inclusive, `to` exclusive, newest first by default, limit 1,000.
 * `down = true` makes every call reject as an unreachable store would.
 */
export class MemoryRecords implements Pick<Store, 'putRecords' | 'queryRecords'> {
  readonly records = new Map<string, StoredRecord>();
  down = false;
  writes = 0;

  async putRecords(records: readonly StoredRecord[]): Promise<void> {
    if (this.down) throw new HeadroomError('store_down', 'store unreachable', { retryable: true });
    for (const r of records) this.records.set(`${r.kind}/${r.id}`, structuredClone(r));
    this.writes += records.length;
  }

  async queryRecords<K extends RecordKind>(query: RecordQuery<K>): Promise<StoredRecord<K>[]> {
    if (this.down) throw new HeadroomError('store_down', 'store unreachable', { retryable: true });
    const out = [...this.records.values()].filter(
      (r) =>
        r.kind === query.kind &&
        (query.from === undefined || r.timeMs >= query.from) &&
        (query.to === undefined || r.timeMs < query.to) &&
        (query.ids === undefined || query.ids.includes(r.id)) &&
        matchesFilter(r.tags, query.where),
    ) as StoredRecord<K>[];
    out.sort((a, b) => (query.order === 'asc' ? a.timeMs - b.timeMs : b.timeMs - a.timeMs));
    return structuredClone(out.slice(0, query.limit ?? 1_000));
  }

  /** Records of `kind`, oldest first. */
  all<K extends RecordKind>(kind: K): StoredRecord<K>[] {
    return [...this.records.values()]
      .filter((r) => r.kind === kind)
      .sort((a, b) => a.timeMs - b.timeMs) as StoredRecord<K>[];
  }
}
