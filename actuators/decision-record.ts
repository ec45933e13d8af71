import { randomBytes } from 'node:crypto';
import type { Actuation } from '../core/actuator.js';
import type { ActuationMode, DecisionBody, DecisionOutcome } from '../core/records/decision.js';
import type { StoredRecord } from '../core/store.js';

export type DecisionRecord = StoredRecord<'decision'>;

/** What the control loop hands the guard for one (target, control, subject) each tick. */
export interface GuardInput {
  actuation: Actuation;
  /** Policy id (e.g. `scaling`), or `operator` for API-triggered applies. */
  policy: string;
  reasons: readonly string[];
  suppressed: readonly { stage?: string; wanted: unknown; reason: string }[];
  /** The policy's memory, stored with the decision (see DecisionBody.memory). */
  memory?: unknown;
  /** Set when telemetry is stale or a model failed: hold the last applied state, say why. */
  failStatic?: string;
}

/** The state fields of a decision body. */
export type DecisionFields = Partial<Pick<DecisionBody, 'current' | 'error'>> & { desired: unknown };

/** The audit body of one guarded decision. */
export function decisionBody(
  target: { id: string; kind: string; mode: ActuationMode },
  input: GuardInput,
  outcome: DecisionOutcome,
  fields: DecisionFields,
): DecisionBody {
  return {
    target: target.id,
    targetKind: target.kind,
    policy: input.policy,
    subject: { ...input.actuation.subject },
    control: input.actuation.control,
    mode: target.mode,
    outcome,
    ...(fields.current !== undefined ? { current: fields.current } : {}),
    desired: fields.desired,
    reasons: [...input.reasons],
    suppressed: input.suppressed.map((s) => ({
      ...(s.stage ? { stage: s.stage } : {}),
      wanted: s.wanted,
      reason: s.reason,
    })),
    ...(input.memory !== undefined ? { memory: input.memory } : {}),
    ...(fields.error !== undefined ? { error: fields.error } : {}),
  };
}

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
 * A decision audit record: tags are `target`, `policy`, `control` (when set) and the subject's
 * tags, so the API can filter on any of them (outcome is filtered from the body).
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
    // No `outcome` tag: an enforced apply is recorded first as interrupted and rewritten with its
    // outcome under the same id, and a record's tags must not change (InfluxDB keys points by
    // tags: a changed tag would leave the first version behind as a second point).
    tags: {
      ...body.subject,
      target: body.target,
      policy: body.policy,
      ...(body.control ? { control: body.control } : {}),
    },
    body,
  };
}
