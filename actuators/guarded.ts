import type { Counter } from '@opentelemetry/api';
import type { Actuation, ControlKind, Target } from '../core/actuator.js';
import type { Clock } from '../core/clock.js';
import { HeadroomError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ActuationMode, DecisionBody, DecisionOutcome } from '../core/records/decision.js';
import type { Store } from '../core/store.js';
import { getMeter } from '../core/telemetry.js';
import { ActuationState } from './actuation-state.js';
import { anySignal } from './any-signal.js';
import type { Bounds } from './bounds.js';
import type { GuardConfig } from './config.js';
import { canonicalJson, statesEqual } from './control-states.js';
import { decisionGates } from './decision-gates.js';
import {
  decisionBody,
  decisionRecord,
  newDecisionId,
  type DecisionFields,
  type DecisionRecord,
  type GuardInput,
} from './decision-record.js';
import { GuardExecutor } from './guard-executor.js';
import { SerialQueue } from './serial-queue.js';
import { describeTargetStatus, type TargetStatus } from './target-status.js';

export type { GuardInput } from './decision-record.js';

/** The part of the store the guard needs: audit records only. */
export type RecordStore = Pick<Store, 'putRecords' | 'queryRecords'>;

export interface GuardedTargetOptions {
  target: Target;
  mode: ActuationMode;
  bounds: Bounds;
  guard: GuardConfig;
  store: RecordStore;
  clock: Clock;
  logger: Logger;
}

type Fields = DecisionFields;
const FAILURE_LOG_INTERVAL_MS = 60_000;

/**
 * Wraps one target the same way as every other (DESIGN.md "Actuators"): per decision it checks
 * pause, operator override and fail-static, clamps to bounds, reads the current state, and in
 * `enforce` mode applies through timeout, circuit breaker and retries, then reads back to
 * confirm convergence. Every decision, applied or not, is an audit record in the store; an
 * apply is recorded before it starts (as `failed`, "interrupted") and rewritten with its
 * outcome, so a crash mid-apply still leaves a trace, and nothing is applied when the audit
 * cannot be written. `actuate` never throws and is bounded by `deadlineMs`: a target that is
 * down costs its own decisions, never the caller's loop. Calls on one target are serialised.
 */
export class GuardedTarget {
  readonly state = new ActuationState();
  private readonly executor: GuardExecutor;
  private readonly log: Logger;
  private readonly decisions: Counter;
  private readonly queue = new SerialQueue();
  private started = false;
  private restored = false;
  private lastError: TargetStatus['lastError'] = null;
  private consecutiveFailures = 0;
  private lastFailureLogMs = -Infinity;

  constructor(private readonly options: GuardedTargetOptions) {
    this.executor = new GuardExecutor(options.guard);
    this.log = options.logger.child({ component: 'guard', target: options.target.id });
    this.decisions = getMeter().createCounter('headroom.actuator.decisions', {
      description: 'Actuation decisions recorded, by target and outcome',
    });
  }

  get id(): string {
    return this.options.target.id;
  }
  get kind(): string {
    return this.options.target.kind;
  }
  get mode(): ActuationMode {
    return this.options.mode;
  }
  get target(): Target {
    return this.options.target;
  }

  /** Restores operator state from the audit log and starts the target; failures are retried lazily. */
  async start(signal: AbortSignal): Promise<void> {
    await this.restoreState()
      .then(() => this.startTarget(signal))
      .catch((err: unknown) => {
        this.log.error({ err: errorMessage(err) }, 'target did not start; will retry on the next decision');
      });
  }

  async stop(): Promise<void> {
    await this.queue.idle();
    this.started = false;
    await this.options.target.stop?.();
  }

  /** Decides, maybe applies, records. Resolves with the stored audit record; never rejects. */
  async actuate(input: GuardInput, signal?: AbortSignal): Promise<DecisionRecord> {
    const deadline = anySignal([
      ...(signal ? [signal] : []),
      AbortSignal.timeout(this.options.guard.deadlineMs),
    ]);
    let release: () => void;
    try {
      release = await this.queue.acquire(deadline);
    } catch {
      return this.finish(input, 'failed', this.clock(), {
        desired: input.actuation.desired,
        error: 'target busy: an earlier decision on it was still running at the deadline',
      });
    }
    try {
      return await this.decide(input, deadline);
    } catch (err) {
      return this.finish(input, 'failed', this.clock(), {
        desired: input.actuation.desired,
        error: this.executor.describe(err),
      });
    } finally {
      release();
    }
  }

  /**
   * The target's current state for a subject, through timeout and breaker (no retries), for the
   * control loop to feed policies; undefined when the target cannot tell or is failing.
   */
  async readCurrent(
    control: ControlKind,
    subject: Actuation['subject'],
    signal: AbortSignal,
  ): Promise<unknown> {
    try {
      await this.restoreState();
      await this.startTarget(signal);
    } catch {
      return undefined;
    }
    const current = await this.tryRead(control, subject, signal);
    if (current !== undefined) this.state.subject(control, subject).current = current;
    return current;
  }

  status(): TargetStatus {
    return describeTargetStatus(this, {
      started: this.started,
      breaker: this.executor.breakerState,
      lastError: this.lastError,
      consecutiveFailures: this.consecutiveFailures,
      nowMs: this.clock(),
    });
  }

  /** Writes an operator action's record; only once it is durable does the state change. */
  async recordOperatorAction(body: DecisionBody, change: () => void): Promise<DecisionRecord> {
    const record = decisionRecord(this.clock(), body);
    try {
      await this.options.store.putRecords([record]);
    } catch (err) {
      throw new HeadroomError(
        'audit_unavailable',
        `cannot record the operator action: ${errorMessage(err)}`,
        {
          retryable: true,
        },
      );
    }
    change();
    this.log.info(
      { action: body.operator?.action, control: body.control, subject: body.subject },
      'operator action',
    );
    return record;
  }

  private async decide(input: GuardInput, signal: AbortSignal): Promise<DecisionRecord> {
    const { target } = this.options;
    const { control, subject } = input.actuation;
    const nowMs = this.clock();
    const reasons = [...input.reasons];
    const suppressed = [...input.suppressed];
    const done = (outcome: DecisionOutcome, fields: Fields, id?: string): Promise<DecisionRecord> =>
      this.finish({ ...input, reasons, suppressed }, outcome, nowMs, fields, id);

    await this.restoreState();
    const gate = decisionGates(input, {
      target,
      state: this.state,
      bounds: this.options.bounds,
      nowMs,
      reasons,
      suppressed,
      describe: (err) => this.executor.describe(err),
    });
    if (!gate.go) {
      const current = gate.readCurrent ? await this.tryRead(control, subject, signal) : undefined;
      return done(gate.outcome, {
        desired: gate.desired,
        ...(current !== undefined ? { current } : {}),
        ...(gate.error !== undefined ? { error: gate.error } : {}),
      });
    }
    const desired = gate.desired;
    const positive: DecisionOutcome | undefined = gate.overridden ? 'overridden' : undefined;

    let current: unknown;
    try {
      await this.startTarget(signal);
      current = await this.executor.execute((s) => target.read(control, subject, s), signal);
    } catch (err) {
      const error = `could not read the current state: ${this.executor.describe(err)}`;
      return this.mode === 'dry_run'
        ? done(positive ?? 'dry_run', { desired, error })
        : done('failed', { desired, error });
    }
    if (current !== undefined && statesEqual(current, desired)) {
      reasons.push('already in the desired state');
      return done(positive ?? 'unchanged', { desired, current });
    }
    if (this.mode === 'dry_run') {
      reasons.push('dry_run: decided and recorded, not applied');
      return done(positive ?? 'dry_run', { desired, current });
    }

    const id = newDecisionId(nowMs);
    const interrupted = decisionRecord(
      nowMs,
      decisionBody(this, { ...input, reasons, suppressed }, 'failed', {
        desired,
        current,
        error: 'interrupted: the apply started but its outcome was not recorded',
      }),
      id,
    );
    try {
      await this.options.store.putRecords([interrupted]);
    } catch (err) {
      return done(
        'failed',
        { desired, current, error: `audit store unavailable, not applying: ${errorMessage(err)}` },
        id,
      );
    }
    try {
      const actuation = { control, subject, desired } as Actuation;
      await this.executor.execute(
        (s) => target.apply(actuation, s, { decisionId: id, policy: input.policy, reasons }),
        signal,
      );
      const after = await this.executor.execute((s) => target.read(control, subject, s), signal);
      if (after !== undefined && !statesEqual(after, desired)) {
        throw new HeadroomError('not_converged', `read back ${canonicalJson(after)} after applying`, {
          retryable: true,
        });
      }
    } catch (err) {
      return done('failed', { desired, current, error: this.executor.describe(err) }, id);
    }
    reasons.push(`applied (was ${current === undefined ? 'unknown' : canonicalJson(current)})`);
    return done(positive ?? 'applied', { desired, current }, id);
  }

  private async finish(
    input: GuardInput,
    outcome: DecisionOutcome,
    nowMs: number,
    fields: Fields,
    id?: string,
  ): Promise<DecisionRecord> {
    const record = decisionRecord(nowMs, decisionBody(this, input, outcome, fields), id);
    try {
      await this.options.store.putRecords([record]);
    } catch (err) {
      this.log.error({ err: errorMessage(err), outcome }, 'could not store the decision audit record');
    }
    this.state.noteDecision(record);
    this.decisions.add(1, { target: this.id, outcome });
    const failed = outcome === 'failed' || (fields.error !== undefined && outcome !== 'paused');
    if (failed) {
      this.consecutiveFailures++;
      this.lastError = { message: fields.error ?? outcome, atMs: nowMs, decisionId: record.id };
      if (nowMs - this.lastFailureLogMs >= FAILURE_LOG_INTERVAL_MS || this.consecutiveFailures === 1) {
        this.lastFailureLogMs = nowMs;
        this.log.warn(
          { control: input.actuation.control, error: fields.error, failures: this.consecutiveFailures },
          'actuation failed',
        );
      }
    } else {
      this.consecutiveFailures = 0;
      const log = outcome === 'applied' || outcome === 'overridden' ? 'info' : 'debug';
      this.log[log](
        {
          control: input.actuation.control,
          subject: input.actuation.subject,
          outcome,
          desired: fields.desired,
        },
        'decision',
      );
    }
    return record;
  }

  /** Pause and overrides from the audit log: must succeed before any decision is made. */
  private async restoreState(): Promise<void> {
    if (this.restored) return;
    const { store } = this.options;
    const where = { target: this.id };
    const [operator, recent] = await Promise.all([
      store.queryRecords({ kind: 'decision', where: { ...where, policy: 'operator' }, limit: 1_000 }),
      store.queryRecords({ kind: 'decision', where, limit: 1_000 }),
    ]);
    this.state.restore(operator, recent);
    this.restored = true;
  }

  private async startTarget(signal: AbortSignal): Promise<void> {
    if (this.started) return;
    const { target } = this.options;
    if (target.start) await this.executor.execute((s) => target.start!(s), signal, false);
    this.started = true;
  }

  private async tryRead(
    control: ControlKind,
    subject: Actuation['subject'],
    signal: AbortSignal,
  ): Promise<unknown> {
    if (!this.started) return undefined;
    try {
      return await this.executor.execute((s) => this.options.target.read(control, subject, s), signal, false);
    } catch {
      return undefined;
    }
  }

  private clock(): number {
    return this.options.clock.now();
  }
}
