import { join } from 'node:path';
import pino from 'pino';
import type { Clock } from '../../core/clock.js';
import type { RecordKind } from '../../core/records/index.js';
import type { RecordQuery, StoredRecord } from '../../core/store.js';
import { embeddedConfigSchema } from '../../storage/config.js';
import { EmbeddedStore } from '../../storage/embedded/embedded-store.js';
import type { RecordStore } from '../alerts-service.js';

/**
 * Test support: the real embedded store (SQLite, storage/embedded) in a directory, with a switch
 * that makes writes fail as a store outage would, and a way to read every record of a kind.
 */
export class SqliteRecordStore implements RecordStore {
  failWrites = false;

  private constructor(private readonly store: EmbeddedStore) {}

  static async open(dir: string, clock: Clock): Promise<SqliteRecordStore> {
    const store = new EmbeddedStore(embeddedConfigSchema.parse({ retentionDays: 3650 }), {
      logger: pino({ level: 'silent' }),
      clock,
      path: join(dir, 'headroom.sqlite'),
    });
    await store.start();
    return new SqliteRecordStore(store);
  }

  async putRecords(records: readonly StoredRecord[]): Promise<void> {
    if (this.failWrites) throw new Error('store unavailable');
    await this.store.putRecords(records);
  }

  queryRecords<K extends RecordKind>(query: RecordQuery<K>): Promise<StoredRecord<K>[]> {
    return this.store.queryRecords(query);
  }

  all<K extends RecordKind>(kind: K): Promise<StoredRecord<K>[]> {
    return this.store.queryRecords({ kind, limit: 100_000 });
  }

  stop(): Promise<void> {
    return this.store.stop();
  }
}
