import type { Target } from '../core/actuator.js';
import type { Clock } from '../core/clock.js';
import type { Component, ComponentHealth } from '../core/component.js';
import { HeadroomError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ActuatorsConfig, TargetConfig } from './config.js';
import type { DecisionRecord } from './decision-record.js';
import { GuardedTarget, type GuardInput, type RecordStore } from './guarded.js';
import { OperatorActions } from './operator-actions.js';
import type { TargetStatus } from './target-status.js';
import { createTarget, type TargetDeps } from './targets/registry.js';

export interface GuardedTargetsOptions {
  config: ActuatorsConfig;
  store: RecordStore;
  clock: Clock;
  logger: Logger;
  /** Builds a target from its config entry; the registry by default (tests inject fakes). */
  createTarget?: (config: TargetConfig, deps: TargetDeps) => Target;
}

/**
 * Every configured target, each behind its own guard: what the control loop calls
 * (`actuate(targetId, input)`) and what the API shows and changes (status, pause, resume,
 * override). A target that fails to start does not stop the others or the daemon: it is
 * reported (health `degraded`, status `started: false`) and retried on its next decision.
 */
export class GuardedTargets implements Component {
  readonly name = 'actuators';
  private readonly targets = new Map<string, { guarded: GuardedTarget; operator: OperatorActions }>();

  constructor(options: GuardedTargetsOptions) {
    const build = options.createTarget ?? createTarget;
    for (const entry of options.config.targets) {
      const target = build(entry, { logger: options.logger, clock: options.clock });
      const guarded = new GuardedTarget({
        target,
        mode: entry.mode,
        bounds: entry.bounds,
        guard: { ...options.config.guard, ...definedOnly(entry.guard) },
        store: options.store,
        clock: options.clock,
        logger: options.logger,
      });
      this.targets.set(entry.id, { guarded, operator: new OperatorActions(guarded, options.clock) });
    }
  }

  get ids(): string[] {
    return [...this.targets.keys()];
  }

  async start(signal: AbortSignal): Promise<void> {
    await Promise.all([...this.targets.values()].map(({ guarded }) => guarded.start(signal)));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.targets.values()].map(({ guarded }) => guarded.stop()));
  }

  health(): ComponentHealth {
    const statuses = this.list();
    const troubled = statuses.filter((s) => !s.started || s.breaker !== 'closed');
    return troubled.length === 0
      ? { state: 'ok', detail: `${statuses.length} target(s)` }
      : {
          state: 'degraded',
          detail: troubled
            .map((s) => `${s.id}: ${s.started ? `breaker ${s.breaker}` : 'not started'}`)
            .join('; '),
        };
  }

  /** One decision for one target; resolves with its audit record (never rejects for target faults). */
  async actuate(targetId: string, input: GuardInput, signal?: AbortSignal): Promise<DecisionRecord> {
    return this.entry(targetId).guarded.actuate(input, signal);
  }

  /** Current state of a subject on a target (for policies); undefined when it cannot tell. */
  async readCurrent(
    targetId: string,
    control: Parameters<GuardedTarget['readCurrent']>[0],
    subject: Parameters<GuardedTarget['readCurrent']>[1],
    signal: AbortSignal,
  ): Promise<unknown> {
    return this.entry(targetId).guarded.readCurrent(control, subject, signal);
  }

  get(targetId: string): GuardedTarget | undefined {
    return this.targets.get(targetId)?.guarded;
  }

  /** Pause, resume and override of one target. Throws `unknown_target` for an id not configured. */
  operator(targetId: string): OperatorActions {
    return this.entry(targetId).operator;
  }

  list(): TargetStatus[] {
    return [...this.targets.values()].map(({ guarded }) => guarded.status());
  }

  private entry(targetId: string): { guarded: GuardedTarget; operator: OperatorActions } {
    const entry = this.targets.get(targetId);
    if (!entry) throw new HeadroomError('unknown_target', `no target with id "${targetId}"`);
    return entry;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
