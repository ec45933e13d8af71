import { randomBytes } from 'node:crypto';
import type { DecisionBody } from '../core/records/decision.js';
import type { StoredRecord } from '../core/store.js';

export type DecisionRecord = StoredRecord<'decision'>;

let sequence = 0;

/**
 * A record id that sorts by time, then by creation order within this process (two operator
 * actions in the same millisecond must replay in the order they happened), then random.
 */
export function newDecisionId(timeMs: number): string {
  sequence = (sequence + 1) % 36 ** 4;
  const time = Math.max(0, timeMs).toString(36).padStart(9, '0');
  return `${time}-${sequence.toString(36).padStart(4, '0')}-${randomBytes(6).toString('hex')}`;
}

/** Orders records by time, ties by id (creation order within a process). */
export function compareRecords(a: DecisionRecord, b: DecisionRecord): number {
  return a.timeMs - b.timeMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * A decision audit record: tags are `target`, `policy`, `outcome`, `control` (when set) and the
 * subject's tags, so the API can filter on any of them.
 */
export function decisionRecord(
  timeMs: number,
  body: DecisionBody,
  id: string = newDecisionId(timeMs),
): DecisionRecord {
  return {
    kind: 'decision',
    id,
    timeMs,
    tags: {
      ...body.subject,
      target: body.target,
      policy: body.policy,
      outcome: body.outcome,
      ...(body.control ? { control: body.control } : {}),
    },
    body,
  };
}
