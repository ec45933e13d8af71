import type { RecordKind } from '../../core/records/index.js';
import type { RecordQuery, StoredRecord } from '../../core/store.js';
import { matchesFilter } from '../../core/tags.js';
import type { RecordStore } from '../alerts-service.js';

/**
 * The records part of core/store.ts in memory, for tests until the embedded store lands:
 * upsert by (kind, id), time bounds inclusive/exclusive, tag filter, order, limit. Records are
 * copied in and out (JSON) so tests see what a real store would give back. `failWrites` makes
 * `putRecords` reject, as a store outage would.
 */
export class MemoryRecordStore implements RecordStore {
  private readonly records = new Map<string, StoredRecord>();
  failWrites = false;

  async putRecords(records: readonly StoredRecord[]): Promise<void> {
    if (this.failWrites) throw new Error('store unavailable');
    for (const r of records)
      this.records.set(`${r.kind}\u0000${r.id}`, JSON.parse(JSON.stringify(r)) as StoredRecord);
  }

  async queryRecords<K extends RecordKind>(query: RecordQuery<K>): Promise<StoredRecord<K>[]> {
    const out = [...this.records.values()].filter(
      (r) =>
        r.kind === query.kind &&
        (query.from === undefined || r.timeMs >= query.from) &&
        (query.to === undefined || r.timeMs < query.to) &&
        (query.ids === undefined || query.ids.includes(r.id)) &&
        matchesFilter(r.tags, query.where),
    ) as StoredRecord<K>[];
    out.sort(
      (a, b) =>
        (query.order === 'asc' ? a.timeMs - b.timeMs : b.timeMs - a.timeMs) || a.id.localeCompare(b.id),
    );
    return JSON.parse(JSON.stringify(out.slice(0, query.limit ?? 1_000))) as StoredRecord<K>[];
  }

  async deleteRecords(kind: RecordKind, ids: readonly string[]): Promise<void> {
    for (const id of ids) this.records.delete(`${kind}\u0000${id}`);
  }

  all<K extends RecordKind>(kind: K): StoredRecord<K>[] {
    return [...this.records.values()].filter((r) => r.kind === kind) as StoredRecord<K>[];
  }
}
