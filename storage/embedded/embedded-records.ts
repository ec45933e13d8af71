import type Database from 'better-sqlite3';
import type { Logger } from '../../core/logger.js';
import { RECORD_KINDS, RECORD_SCHEMAS, type RecordKind } from '../../core/records/index.js';
import type { RecordQuery, StoredRecord } from '../../core/store.js';
import { recordIdSlot } from '../record-time.js';
import { filterMatchesNothing, storableFilter } from '../storable-tags.js';

const DEFAULT_LIMIT = 1_000;

interface RecordRow {
  id: string;
  time_ms: number;
  tags: string;
  body: string;
}

/** The records table of the embedded store: one table for every kind, bodies as JSON. */
export class EmbeddedRecords {
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly expire: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly logger: Logger,
  ) {
    // time_ms and tags are immutable per id (core/store.ts): a rewrite only replaces the body.
    this.upsert = db.prepare(
      `INSERT INTO records (kind, id, time_ms, id_slot, tags, body) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body`,
    );
    this.remove = db.prepare(`DELETE FROM records WHERE kind = ? AND id = ?`);
    this.expire = db.prepare(`DELETE FROM records WHERE kind = ? AND time_ms < ?`);
  }

  /** Writes validated records (validateRecords) in one transaction. */
  put(records: readonly StoredRecord[]): void {
    this.db.transaction(() => {
      for (const r of records) {
        this.upsert.run(
          r.kind,
          r.id,
          r.timeMs,
          recordIdSlot(r.id),
          JSON.stringify(r.tags),
          JSON.stringify(r.body),
        );
      }
    })();
  }

  delete(kind: RecordKind, ids: readonly string[]): void {
    this.db.transaction(() => {
      for (const id of ids) this.remove.run(kind, id);
    })();
  }

  /** Deletes records older than `cutoffMs`; returns how many. */
  expireBefore(cutoffMs: number): number {
    let n = 0;
    for (const kind of RECORD_KINDS) n += this.expire.run(kind, cutoffMs).changes;
    return n;
  }

  query<K extends RecordKind>(query: RecordQuery<K>): StoredRecord<K>[] {
    const filter = storableFilter(query.where);
    if (filterMatchesNothing(filter) || (query.ids && query.ids.length === 0)) return [];
    const limit = query.limit ?? DEFAULT_LIMIT;
    if (limit <= 0) return [];
    const conditions = ['kind = ?'];
    const params: unknown[] = [query.kind];
    if (query.from !== undefined) {
      conditions.push('time_ms >= ?');
      params.push(Math.floor(query.from));
    }
    if (query.to !== undefined) {
      conditions.push('time_ms < ?');
      params.push(Math.ceil(query.to));
    }
    for (const [key, want] of Object.entries(filter ?? {})) {
      // Keys are checked by storableFilter (letters, digits, _ . -), so they are safe in a path.
      const values = typeof want === 'string' ? [want] : want;
      conditions.push(`json_extract(tags, '$."${key}"') IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    }
    if (query.ids) {
      conditions.push(`id IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(query.ids));
    }
    // Same order as InfluxDB's nanosecond timestamps: time, then the id's slot.
    const dir = (query.order ?? 'desc') === 'desc' ? 'DESC' : 'ASC';
    const rows = this.db
      .prepare(
        `SELECT id, time_ms, tags, body FROM records WHERE ${conditions.join(' AND ')}
         ORDER BY time_ms ${dir}, id_slot ${dir}, id ${dir} LIMIT ?`,
      )
      .all(...params, Math.floor(limit)) as RecordRow[];
    const out: StoredRecord<K>[] = [];
    for (const row of rows) {
      const parsed = RECORD_SCHEMAS[query.kind].safeParse(JSON.parse(row.body));
      if (!parsed.success) {
        // A body written by an older schema: skip it rather than fail the whole query.
        this.logger.warn({ kind: query.kind, id: row.id }, 'skipping unreadable record');
        continue;
      }
      out.push({
        kind: query.kind,
        id: row.id,
        timeMs: row.time_ms,
        tags: JSON.parse(row.tags) as Record<string, string>,
        body: parsed.data as StoredRecord<K>['body'],
      });
    }
    return out;
  }
}
