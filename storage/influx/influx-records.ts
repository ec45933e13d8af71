import type { Logger } from '../../core/logger.js';
import { RECORD_SCHEMAS, type RecordKind } from '../../core/records/index.js';
import type { RecordQuery, StoredRecord } from '../../core/store.js';
import { recordTimeNs } from '../record-time.js';
import { filterMatchesNothing, storableFilter } from '../storable-tags.js';
import { runQuery, type InfluxConnection } from './influx-connection.js';
import { RAW_RP } from './influx-schema.js';
import { ident, str, tagConditions, timeRange, where } from './influxql.js';
import { RECORDS_MEASUREMENT } from './line-protocol.js';

const DEFAULT_LIMIT = 1_000;
/** Ids per query or DELETE request. */
const IDS_PER_REQUEST = 200;

/**
 * Reads and deletes records in InfluxDB (writes go through the InfluxWriter as lines). Records
 * live in one measurement: tag `_kind` + the record's tags, fields `_id`, `_tags`, `_body`.
 */
export class InfluxRecords {
  constructor(
    private readonly conn: InfluxConnection,
    private readonly database: string,
    private readonly logger: Logger,
  ) {}

  async query<K extends RecordKind>(query: RecordQuery<K>): Promise<StoredRecord<K>[]> {
    const filter = storableFilter(query.where);
    if (filterMatchesNothing(filter) || (query.ids && query.ids.length === 0)) return [];
    const limit = query.limit ?? DEFAULT_LIMIT;
    if (limit <= 0) return [];
    const conditions = [
      `"_kind" = ${str(query.kind)}`,
      ...timeRange(query.from, query.to),
      ...tagConditions(filter),
    ];
    if (!query.ids) return this.select(query.kind, conditions, query.order ?? 'desc', limit);
    const out: StoredRecord<K>[] = [];
    for (let i = 0; i < query.ids.length; i += IDS_PER_REQUEST) {
      const ids = query.ids.slice(i, i + IDS_PER_REQUEST);
      const idCondition = `(${ids.map((id) => `"_id" = ${str(id)}`).join(' OR ')})`;
      out.push(
        ...(await this.select(query.kind, [...conditions, idCondition], query.order ?? 'desc', limit)),
      );
    }
    const sign = (query.order ?? 'desc') === 'desc' ? -1 : 1;
    return out.sort((a, b) => sign * (a.timeMs - b.timeMs)).slice(0, limit);
  }

  /**
   * InfluxDB 1.x deletes by tags and time only, so each record is found first (for its time and
   * tags), then deleted as exactly that point: its series at its nanosecond timestamp.
   */
  async delete(kind: RecordKind, ids: readonly string[], signal?: AbortSignal): Promise<void> {
    for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
      const found = await this.query({
        kind,
        ids: ids.slice(i, i + IDS_PER_REQUEST),
        limit: IDS_PER_REQUEST,
      });
      if (found.length === 0) continue;
      const statements = found.map((r) => {
        const ns = recordTimeNs(r.timeMs, r.id);
        const tags = tagConditions({ _kind: r.kind, ...r.tags });
        return `DELETE FROM ${ident(RECORDS_MEASUREMENT)}${where([...tags, `time >= ${ns}`, `time <= ${ns}`])}`;
      });
      await runQuery(this.conn, statements.join('; '), {
        database: this.database,
        ...(signal ? { signal } : {}),
      });
    }
  }

  private async select<K extends RecordKind>(
    kind: K,
    conditions: string[],
    order: 'asc' | 'desc',
    limit: number,
  ): Promise<StoredRecord<K>[]> {
    const q =
      `SELECT "_id", "_tags", "_body" FROM ${ident(this.database)}.${ident(RAW_RP)}.${ident(RECORDS_MEASUREMENT)}` +
      `${where(conditions)} ORDER BY time ${order === 'desc' ? 'DESC' : 'ASC'} LIMIT ${Math.floor(limit)}`;
    const [result] = await runQuery(this.conn, q, { database: this.database, precision: 'ms' });
    const out: StoredRecord<K>[] = [];
    for (const series of result?.series ?? []) {
      const [time, id, tags, body] = ['time', '_id', '_tags', '_body'].map((c) => series.columns.indexOf(c));
      for (const row of series.values) {
        const record = this.parse(kind, row[time ?? 0], row[id ?? 0], row[tags ?? 0], row[body ?? 0]);
        if (record) out.push(record);
      }
    }
    return out;
  }

  private parse<K extends RecordKind>(
    kind: K,
    time: unknown,
    id: unknown,
    tags: unknown,
    body: unknown,
  ): StoredRecord<K> | undefined {
    try {
      if (typeof id !== 'string' || typeof time !== 'number') throw new Error('missing _id or time');
      const parsed = RECORD_SCHEMAS[kind].safeParse(JSON.parse(String(body)));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid body');
      return {
        kind,
        id,
        timeMs: time,
        tags: JSON.parse(String(tags)) as Record<string, string>,
        body: parsed.data as StoredRecord<K>['body'],
      };
    } catch (err) {
      // A body written by an older schema: skip it rather than fail the whole query.
      this.logger.warn({ kind, id, err: (err as Error).message }, 'skipping unreadable record');
      return undefined;
    }
  }
}
