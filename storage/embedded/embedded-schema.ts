import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 1;

/**
 * Connection settings and tables of the embedded store.
 *
 * - WAL: readers (API queries) never block the writer and vice versa.
 * - synchronous=NORMAL: in WAL mode a commit is then safe against a crash of the daemon (the WAL
 *   is written before the commit returns) and the database cannot be corrupted; only an OS crash or
 *   power cut can lose the last commits, because the WAL is fsynced at checkpoints rather than at
 *   every commit. FULL would add an fsync per write call (several ms each on this disk), which is
 *   what keeps a 10 s rollup flush cheap; an operator who needs power-cut durability can put
 *   InfluxDB (with its own WAL fsync) behind Headroom instead.
 * - rollups keyed (series_id, time_ms) WITHOUT ROWID: the table is its own index; rewriting a
 *   series + time replaces the row (InfluxDB semantics); a one-series range read is one B-tree scan.
 */
export function openSchema(
  db: Database.Database,
  options: { cacheSizeMb: number; busyTimeoutMs: number },
): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = ${-Math.round(options.cacheSizeMb * 1024)}`);
  db.pragma(`busy_timeout = ${Math.round(options.busyTimeoutMs)}`);
  db.pragma('temp_store = MEMORY');
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS series (
      id INTEGER PRIMARY KEY,
      measurement TEXT NOT NULL,
      tags TEXT NOT NULL,
      last_ms INTEGER NOT NULL,
      UNIQUE (measurement, tags)
    );
    CREATE TABLE IF NOT EXISTS rollups (
      series_id INTEGER NOT NULL,
      time_ms INTEGER NOT NULL,
      count INTEGER NOT NULL,
      errors INTEGER NOT NULL,
      duration_sum_ms REAL NOT NULL,
      duration_max_ms REAL NOT NULL,
      histogram BLOB NOT NULL,
      PRIMARY KEY (series_id, time_ms)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS records (
      kind TEXT NOT NULL,
      id TEXT NOT NULL,
      time_ms INTEGER NOT NULL,
      id_slot INTEGER NOT NULL,
      tags TEXT NOT NULL,
      body TEXT NOT NULL,
      PRIMARY KEY (kind, id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS records_by_time ON records (kind, time_ms, id_slot);
  `);
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as
    { value: string } | undefined;
  if (!row)
    db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
  else if (Number(row.value) > SCHEMA_VERSION) {
    throw new Error(`database schema version ${row.value} is newer than this Headroom (${SCHEMA_VERSION})`);
  }
}
