import type { ControlKind } from '../core/actuator.js';
import type { Clock } from '../core/clock.js';
import { HeadroomError } from '../core/errors.js';
import type { DecisionBody, OperatorAction } from '../core/records/decision.js';
import type { Tags } from '../core/tags.js';
import { controlKey, CONTROL_STATE_SCHEMAS, subjectSchema } from './control-states.js';
import type { DecisionRecord } from './decision-record.js';
import type { GuardedTarget } from './guarded.js';

/** Bad operator input; `field` names the offending body field (the API answers 400 with it). */
export class InvalidInputError extends HeadroomError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super('invalid_input', message);
    this.name = 'InvalidInputError';
  }
}

export interface OverrideRequest {
  control: ControlKind;
  subject: Tags;
  value: unknown;
  untilMs: number;
  reason?: string;
}

/**
 * Pause, resume and pinned values for one target, each written to the audit log before it takes
 * effect (GuardedTarget restores them from there after a restart). An override is applied at
 * once through the guard (same mode, bounds and audit as any decision) and then holds on every
 * decision until it expires; bounds still win over a pinned value.
 */
export class OperatorActions {
  constructor(
    private readonly guarded: GuardedTarget,
    private readonly clock: Clock,
  ) {}

  async pause(reason?: string): Promise<DecisionRecord> {
    const state = this.guarded.state;
    return this.guarded.recordOperatorAction(this.body('pause', 'paused', {}, reason), () => {
      state.paused ??= { sinceMs: this.clock.now(), ...(reason ? { reason } : {}) };
    });
  }

  async resume(reason?: string): Promise<DecisionRecord> {
    const state = this.guarded.state;
    return this.guarded.recordOperatorAction(this.body('resume', 'resumed', {}, reason), () => {
      state.paused = undefined;
    });
  }

  /** Pins `value` until `untilMs`, then applies it at once; resolves with both records. */
  async override(request: OverrideRequest): Promise<{ operator: DecisionRecord; decision: DecisionRecord }> {
    const { control, subject, untilMs, reason } = request;
    if (!this.guarded.target.controls.includes(control)) {
      throw new InvalidInputError(
        `target ${this.guarded.id} handles ${this.guarded.target.controls.join(', ')}, not ${control}`,
        'control',
      );
    }
    if (!subjectSchema.safeParse(subject).success || Object.keys(subject).length === 0) {
      throw new InvalidInputError('subject must be a non-empty map of tag keys to values', 'subject');
    }
    const parsed = CONTROL_STATE_SCHEMAS[control].safeParse(request.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidInputError(
        `value is not a ${control} state: ${[...issue.path].join('.') || '(value)'}: ${issue.message}`,
        ['value', ...issue.path.map(String)].join('.'),
      );
    }
    if (untilMs <= this.clock.now()) throw new InvalidInputError('until must be in the future', 'until');
    try {
      this.guarded.target.normalize?.(control, subject, parsed.data as never);
    } catch (err) {
      const field = err instanceof HeadroomError && err.code === 'unknown_subject' ? 'subject' : 'value';
      throw new InvalidInputError(err instanceof Error ? err.message : String(err), field);
    }
    const state = this.guarded.state;
    const operator = await this.guarded.recordOperatorAction(
      { ...this.body('override', 'overridden', subject, reason, untilMs), control, desired: parsed.data },
      () => {
        state.overrides.set(controlKey(control, subject), {
          control,
          subject: { ...subject },
          value: parsed.data,
          untilMs,
          setAtMs: this.clock.now(),
          ...(reason ? { reason } : {}),
        });
      },
    );
    const decision = await this.guarded.actuate({
      actuation: { control, subject, desired: parsed.data } as never,
      policy: 'operator',
      reasons: ['operator override applied when set'],
      suppressed: [],
    });
    return { operator, decision };
  }

  async clearOverride(control: ControlKind, subject: Tags, reason?: string): Promise<DecisionRecord> {
    const state = this.guarded.state;
    if (!state.activeOverride(control, subject, this.clock.now())) {
      throw new InvalidInputError(`no override in force for ${control} of this subject`, 'subject');
    }
    return this.guarded.recordOperatorAction(
      { ...this.body('clear_override', 'resumed', subject, reason), control },
      () => state.overrides.delete(controlKey(control, subject)),
    );
  }

  private body(
    action: OperatorAction,
    outcome: DecisionBody['outcome'],
    subject: Tags,
    reason: string | undefined,
    untilMs?: number,
  ): DecisionBody {
    const text = {
      pause: 'paused',
      resume: 'resumed',
      override: 'pinned a value',
      clear_override: 'cleared an override',
    }[action];
    return {
      target: this.guarded.id,
      targetKind: this.guarded.kind,
      policy: 'operator',
      subject: { ...subject },
      mode: this.guarded.mode,
      outcome,
      desired: null,
      reasons: [`an operator ${text}${reason ? `: ${reason}` : ''}`],
      suppressed: [],
      operator: { action, ...(reason ? { reason } : {}), ...(untilMs !== undefined ? { untilMs } : {}) },
    };
  }
}
