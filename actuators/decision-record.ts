import { randomUUID } from 'node:crypto';
import type { DecisionBody } from '../core/records/decision.js';
import type { StoredRecord } from '../core/store.js';

export type DecisionRecord = StoredRecord<'decision'>;

/**
 * A decision audit record: tags are `target`, `policy`, `outcome`, `control` (when set) and the
 * subject's tags, so the API can filter on any of them.
 */
export function decisionRecord(
  timeMs: number,
  body: DecisionBody,
  id: string = randomUUID(),
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
