import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Notification, ThreadRef } from '../../core/notifier.js';

/** One queued message: a notification for one notifier. */
export interface OutboxMessage {
  /** Queue order (SQLite rowid). */
  readonly seq: number;
  /** Idempotency key: `<notification id>@<notifier name>`. */
  readonly id: string;
  readonly notifier: string;
  readonly incidentId: string;
  readonly notification: Notification;
  readonly createdMs: number;
  readonly attempts: number;
  readonly nextAttemptMs: number;
  readonly lastError?: string;
}

export interface OutboxDepth {
  notifier: string;
  pending: number;
  dead: number;
  oldestPendingMs?: number;
}

interface Row {
  seq: number;
  id: string;
  notifier: string;
  incident_id: string;
  payload: string;
  created_ms: number;
  attempts: number;
  next_attempt_ms: number;
  last_error: string | null;
}

/**
 * The outbox's durable state in one SQLite file (better-sqlite3): messages waiting or dead,
 * ids already delivered (so a replayed enqueue after a crash is ignored), and the thread each
 * notifier started per incident. SQLite rather than an append log: enqueue, acknowledge and
 * retry bookkeeping are small transactions that must be atomic and crash-safe, which WAL with
 * synchronous=FULL gives without compaction or torn-record handling of our own.
 *
 * Every method is synchronous and durable when it returns (kill -9 safe).
 */
export class OutboxStore {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        notifier TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ms INTEGER NOT NULL,
        last_error TEXT,
        state TEXT NOT NULL DEFAULT 'pending'
      );
      CREATE INDEX IF NOT EXISTS outbox_queue ON outbox (notifier, state, seq);
      CREATE TABLE IF NOT EXISTS delivered (id TEXT PRIMARY KEY, delivered_ms INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS threads (
        notifier TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        ts TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        PRIMARY KEY (notifier, incident_id)
      );
    `);
    this.statements = {
      insert: this.db.prepare(
        `INSERT INTO outbox (id, notifier, incident_id, payload, created_ms, next_attempt_ms)
         SELECT @id, @notifier, @incidentId, @payload, @nowMs, @nowMs
         WHERE NOT EXISTS (SELECT 1 FROM delivered WHERE id = @id)
         ON CONFLICT (id) DO NOTHING`,
      ),
      head: this.db.prepare(
        `SELECT * FROM outbox WHERE notifier = ? AND state = 'pending' ORDER BY seq LIMIT 1`,
      ),
      remove: this.db.prepare(`DELETE FROM outbox WHERE seq = ?`),
      delivered: this.db.prepare(`INSERT OR REPLACE INTO delivered (id, delivered_ms) VALUES (?, ?)`),
      thread: this.db.prepare(`SELECT channel, ts FROM threads WHERE notifier = ? AND incident_id = ?`),
      saveThread: this.db.prepare(
        `INSERT INTO threads (notifier, incident_id, channel, ts, created_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (notifier, incident_id) DO UPDATE SET channel = excluded.channel, ts = excluded.ts`,
      ),
      retry: this.db.prepare(
        `UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE seq = ?`,
      ),
      kill: this.db.prepare(
        `UPDATE outbox SET attempts = attempts + 1, state = 'dead', last_error = ? WHERE seq = ?`,
      ),
      depth: this.db.prepare(
        `SELECT notifier,
                SUM(state = 'pending') AS pending,
                SUM(state = 'dead') AS dead,
                MIN(CASE WHEN state = 'pending' THEN created_ms END) AS oldest
         FROM outbox GROUP BY notifier ORDER BY notifier`,
      ),
      pruneDelivered: this.db.prepare(`DELETE FROM delivered WHERE delivered_ms < ?`),
      pruneDead: this.db.prepare(`DELETE FROM outbox WHERE state = 'dead' AND created_ms < ?`),
      pruneThreads: this.db.prepare(`DELETE FROM threads WHERE created_ms < ?`),
      dead: this.db.prepare(`SELECT * FROM outbox WHERE state = 'dead' ORDER BY seq DESC LIMIT ?`),
    };
  }

  /**
   * Queues messages in one transaction; an id already queued or delivered is skipped (a
   * replay after a restart). Returns how many were added.
   */
  enqueue(
    items: readonly { id: string; notifier: string; notification: Notification }[],
    nowMs: number,
  ): number {
    const run = this.db.transaction(() => {
      let added = 0;
      for (const item of items) {
        const info = this.statements.insert.run({
          id: item.id,
          notifier: item.notifier,
          incidentId: item.notification.incidentId,
          payload: JSON.stringify(item.notification),
          nowMs,
        });
        added += info.changes;
      }
      return added;
    });
    return run();
  }

  /** The oldest pending message of a notifier (messages of one notifier go strictly in order). */
  head(notifier: string): OutboxMessage | undefined {
    const row = this.statements.head.get(notifier) as Row | undefined;
    return row ? toMessage(row) : undefined;
  }

  /** The receiver accepted it: remove, remember the id, and the thread it started. */
  acknowledge(message: OutboxMessage, nowMs: number, thread?: ThreadRef): void {
    this.db.transaction(() => {
      this.statements.remove.run(message.seq);
      this.statements.delivered.run(message.id, nowMs);
      if (thread)
        this.statements.saveThread.run(
          message.notifier,
          message.incidentId,
          thread.channel,
          thread.ts,
          nowMs,
        );
    })();
  }

  retryLater(message: OutboxMessage, error: string, nextAttemptMs: number): void {
    this.statements.retry.run(nextAttemptMs, error, message.seq);
  }

  /** Moves a message aside (refused, or too old); kept for inspection until pruned. */
  markDead(message: OutboxMessage, error: string): void {
    this.statements.kill.run(error, message.seq);
  }

  thread(notifier: string, incidentId: string): ThreadRef | undefined {
    const row = this.statements.thread.get(notifier, incidentId) as
      { channel: string; ts: string } | undefined;
    return row ? { channel: row.channel, ts: row.ts } : undefined;
  }

  depth(): OutboxDepth[] {
    return (
      this.statements.depth.all() as {
        notifier: string;
        pending: number;
        dead: number;
        oldest: number | null;
      }[]
    ).map((r) => ({
      notifier: r.notifier,
      pending: r.pending ?? 0,
      dead: r.dead ?? 0,
      ...(r.oldest !== null ? { oldestPendingMs: r.oldest } : {}),
    }));
  }

  deadMessages(limit = 20): OutboxMessage[] {
    return (this.statements.dead.all(limit) as Row[]).map(toMessage);
  }

  /** Forgets delivered ids and dead messages older than `beforeMs`, threads older than `threadsBeforeMs`. */
  prune(beforeMs: number, threadsBeforeMs: number): void {
    this.db.transaction(() => {
      this.statements.pruneDelivered.run(beforeMs);
      this.statements.pruneDead.run(beforeMs);
      this.statements.pruneThreads.run(threadsBeforeMs);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toMessage(row: Row): OutboxMessage {
  return {
    seq: row.seq,
    id: row.id,
    notifier: row.notifier,
    incidentId: row.incident_id,
    notification: JSON.parse(row.payload) as Notification,
    createdMs: row.created_ms,
    attempts: row.attempts,
    nextAttemptMs: row.next_attempt_ms,
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
  };
}
