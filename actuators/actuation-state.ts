import type { ControlKind } from '../core/actuator.js';
import type { DecisionBody, DecisionOutcome } from '../core/records/decision.js';
import type { StoredRecord } from '../core/store.js';
import type { Tags } from '../core/tags.js';
import { controlKey } from './control-states.js';
import { compareRecords } from './decision-record.js';

export interface PauseInfo {
  sinceMs: number;
  reason?: string;
}

/** A value an operator pinned for one (control, subject) until `untilMs`. */
export interface OverrideInfo {
  control: ControlKind;
  subject: Tags;
  value: unknown;
  untilMs: number;
  setAtMs: number;
  reason?: string;
}

/** What the guard last knew about one (control, subject) of a target. */
export interface SubjectStatus {
  control: ControlKind;
  subject: Tags;
  /** Last state read back from the target. */
  current?: unknown;
  /** Last effective desired state (after override and bounds). */
  desired?: unknown;
  lastDecision?: { id: string; timeMs: number; outcome: DecisionOutcome; policy: string };
  /** Last state applied in enforce mode: what fail-static holds. */
  lastApplied?: { state: unknown; timeMs: number };
}

/**
 * Operator state (pause, overrides) and per-subject status of one target. The audit log is the
 * source of truth: operator actions are decision records with policy `operator`, so a restart
 * rebuilds pause and overrides from the store (`restore`) instead of silently resuming.
 */
export class ActuationState {
  paused: PauseInfo | undefined;
  readonly overrides = new Map<string, OverrideInfo>();
  readonly subjects = new Map<string, SubjectStatus>();

  /** The override of (control, subject) still in force at `nowMs`; expired ones are dropped. */
  activeOverride(control: ControlKind, subject: Tags, nowMs: number): OverrideInfo | undefined {
    const key = controlKey(control, subject);
    const o = this.overrides.get(key);
    if (o && o.untilMs <= nowMs) this.overrides.delete(key);
    return o && o.untilMs > nowMs ? o : undefined;
  }

  activeOverrides(nowMs: number): OverrideInfo[] {
    return [...this.overrides.values()].filter((o) => this.activeOverride(o.control, o.subject, nowMs));
  }

  subject(control: ControlKind, subject: Tags): SubjectStatus {
    const key = controlKey(control, subject);
    let status = this.subjects.get(key);
    if (!status) {
      status = { control, subject: { ...subject } };
      this.subjects.set(key, status);
    }
    return status;
  }

  /** Replays one operator record (oldest first) onto the state. */
  applyOperatorRecord(record: StoredRecord<'decision'>): void {
    const body = record.body;
    const op = body.operator;
    if (!op) return;
    if (op.action === 'pause')
      this.paused = { sinceMs: record.timeMs, ...(op.reason ? { reason: op.reason } : {}) };
    else if (op.action === 'resume') this.paused = undefined;
    else if (body.control) {
      const control = body.control as ControlKind;
      const key = controlKey(control, body.subject);
      if (op.action === 'clear_override') this.overrides.delete(key);
      else if (op.untilMs !== undefined) {
        this.overrides.set(key, {
          control,
          subject: body.subject,
          value: body.desired,
          untilMs: op.untilMs,
          setAtMs: record.timeMs,
          ...(op.reason ? { reason: op.reason } : {}),
        });
      }
    }
  }

  /** Notes a decision (not an operator action) in the subject's status. */
  noteDecision(record: StoredRecord<'decision'>): void {
    const body: DecisionBody = record.body;
    if (!body.control || body.operator) return;
    const status = this.subject(body.control as ControlKind, body.subject);

    if (body.current !== undefined) status.current = body.current;
    status.desired = body.desired;
    status.lastDecision = {
      id: record.id,
      timeMs: record.timeMs,
      outcome: body.outcome,
      policy: body.policy,
    };
    const inForce =
      body.outcome === 'applied' || body.outcome === 'unchanged' || body.outcome === 'overridden';
    if (body.mode === 'enforce' && inForce && !body.error) {
      status.lastApplied = { state: body.desired, timeMs: record.timeMs };
    }
  }

  /**
   * Rebuilds state from the target's records, newest first as the store returns them: operator
   * actions are replayed oldest first; each subject keeps its latest decision.
   */
  restore(
    operatorRecords: readonly StoredRecord<'decision'>[],
    decisions: readonly StoredRecord<'decision'>[],
  ): void {
    for (const record of [...operatorRecords].sort(compareRecords)) this.applyOperatorRecord(record);
    for (const record of [...decisions].sort(compareRecords)) this.noteDecision(record);
  }
}
