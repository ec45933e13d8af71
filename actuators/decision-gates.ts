import type { ControlKind, Target } from '../core/actuator.js';
import type { DecisionOutcome } from '../core/records/decision.js';
import type { ActuationState } from './actuation-state.js';
import { clampToBounds, type Bounds } from './bounds.js';
import { CONTROL_STATE_SCHEMAS, canonicalJson, subjectSchema } from './control-states.js';
import type { GuardInput } from './decision-record.js';

/** The gates stopped the decision: record `outcome` without applying. */
export interface Stopped {
  go: false;
  outcome: DecisionOutcome;
  desired: unknown;
  error?: string;
  /** Worth reading the current state for the record (paused, held). */
  readCurrent: boolean;
}

/** The decision goes on to read, compare and (in enforce mode) apply `desired`. */
export interface Go {
  go: true;
  desired: unknown;
  /** The desired state is an operator's pinned value. */
  overridden: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * What the guard checks before touching the target, in order: the target handles the control,
 * subject and state are valid, the target is not paused, an operator override replaces the
 * policy's value (else fail-static holds), bounds clamp, and the target's normalisation.
 * Pure except for appending to `reasons` and `suppressed`, which become the audit record's.
 */
export function decisionGates(
  input: GuardInput,
  ctx: {
    target: Pick<Target, 'kind' | 'controls' | 'normalize'>;
    state: ActuationState;
    bounds: Bounds;
    nowMs: number;
    reasons: string[];
    suppressed: { wanted: unknown; reason: string }[];
    describe: (err: unknown) => string;
  },
): Stopped | Go {
  const { control, subject } = input.actuation;
  const { reasons, suppressed, target, state } = ctx;
  const stop = (outcome: DecisionOutcome, desired: unknown, extra: Partial<Stopped> = {}): Stopped => ({
    go: false,
    outcome,
    desired,
    readCurrent: false,
    ...extra,
  });
  if (!target.controls.includes(control)) {
    return stop('failed', input.actuation.desired, {
      error: `${target.kind} target does not handle ${control}`,
    });
  }
  const subjectCheck = subjectSchema.safeParse(subject);
  const parsed = CONTROL_STATE_SCHEMAS[control].safeParse(input.actuation.desired);
  if (!subjectCheck.success || !parsed.success) {
    const issue = (subjectCheck.error ?? parsed.error)!.issues[0]!;
    const what = subjectCheck.success ? 'desired state' : 'subject';
    return stop('failed', input.actuation.desired, {
      error: `invalid ${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    });
  }
  let desired: unknown = parsed.data;
  if (state.paused) {
    const p = state.paused;
    reasons.unshift(
      `target paused by an operator since ${iso(p.sinceMs)}${p.reason ? ` (${p.reason})` : ''}`,
    );
    suppressed.push({ wanted: desired, reason: 'target paused' });
    return stop('paused', desired, { readCurrent: true });
  }
  const override = state.activeOverride(control, subject, ctx.nowMs);
  if (override) {
    const until = iso(override.untilMs);
    suppressed.push({ wanted: desired, reason: `operator override until ${until}` });
    reasons.unshift(
      `operator override pins ${canonicalJson(override.value)} until ${until}${override.reason ? ` (${override.reason})` : ''}`,
    );
    desired = CONTROL_STATE_SCHEMAS[control].parse(override.value);
  } else if (input.failStatic) {
    const held = state.subject(control, subject).lastApplied;
    const holding = held
      ? `the last applied state ${canonicalJson(held.state)} (applied ${iso(held.timeMs)})`
      : 'the current state (nothing applied yet)';
    reasons.unshift(`fail-static: ${input.failStatic}; holding ${holding}`);
    suppressed.push({ wanted: desired, reason: `fail-static: ${input.failStatic}` });
    return stop('held', desired, { readCurrent: true });
  }
  try {
    const clamped = clampToBounds(control as ControlKind, desired as never, ctx.bounds);
    if (clamped.note) {
      suppressed.push({ wanted: desired, reason: clamped.note });
      reasons.push(clamped.note);
      desired = clamped.state;
    }
    desired = target.normalize ? target.normalize(control, subject, desired as never) : desired;
  } catch (err) {
    return stop('failed', desired, { error: ctx.describe(err) });
  }
  return { go: true, desired, overridden: override !== undefined };
}
