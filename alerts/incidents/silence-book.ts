import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { SilenceBody } from '../../core/records/silence.js';
import type { StoredRecord } from '../../core/store.js';
import type { RecordStore } from '../record-store.js';
import { isActive } from './silences.js';

export interface NewSilence {
  matchers: Record<string, string>;
  startsMs?: number;
  endsMs: number;
  createdBy: string;
  comment: string;
}

const LOAD_WINDOW_MS = 365 * 24 * 3600_000;

/**
 * The silences, stored as `silence` records and kept in memory for the engine: loaded at start
 * (those not yet ended), created and expired through the API. Expiring keeps the record (with
 * `endsMs` set to now) so the history stays readable.
 */
export class SilenceBook {
  private readonly silences = new Map<string, StoredRecord<'silence'>>();

  constructor(
    private readonly store: RecordStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async load(): Promise<void> {
    const now = this.clock.now();
    const records = await this.store.queryRecords({
      kind: 'silence',
      from: now - LOAD_WINDOW_MS,
      limit: 5_000,
    });
    for (const s of records) if (s.body.endsMs > now) this.silences.set(s.id, s);
  }

  /** Every known silence (the engine checks which are active at its tick time). */
  all(): StoredRecord<'silence'>[] {
    return [...this.silences.values()];
  }

  async create(input: NewSilence): Promise<StoredRecord<'silence'>> {
    const now = this.clock.now();
    const body: SilenceBody = {
      matchers: { ...input.matchers },
      startsMs: input.startsMs ?? now,
      endsMs: input.endsMs,
      createdBy: input.createdBy,
      comment: input.comment,
    };
    const record: StoredRecord<'silence'> = {
      kind: 'silence',
      id: randomUUID(),
      timeMs: body.startsMs,
      tags: {},
      body,
    };
    await this.store.putRecords([record]);
    this.silences.set(record.id, record);
    this.log.info(
      { id: record.id, matchers: body.matchers, endsMs: body.endsMs, createdBy: body.createdBy },
      'silence created',
    );
    return record;
  }

  /** Newest first: active and upcoming ones, or every known one (`all`). */
  list(state: 'active' | 'all'): StoredRecord<'silence'>[] {
    const now = this.clock.now();
    return [...this.silences.values()]
      .filter((s) => state === 'all' || isActive(s.body, now) || s.body.startsMs > now)
      .sort((a, b) => b.body.startsMs - a.body.startsMs || a.id.localeCompare(b.id));
  }

  async expire(id: string): Promise<StoredRecord<'silence'> | undefined> {
    const silence = this.silences.get(id);
    if (!silence) return undefined;
    const now = this.clock.now();
    const expired: StoredRecord<'silence'> = {
      ...silence,
      body: { ...silence.body, endsMs: Math.min(silence.body.endsMs, now) },
    };
    await this.store.putRecords([expired]);
    this.silences.set(id, expired);
    this.log.info({ id }, 'silence expired');
    return expired;
  }
}
