import type { Actuation, ActuationContext, ControlKind, ControlStates, Target } from '../../core/actuator.js';
import type { Tags } from '../../core/tags.js';
import { controlKey } from '../../actuators/control-states.js';

/**
 * A programmable in-memory target for guard tests: holds states, counts calls, and fails or
 * hangs on demand (`failApply`, `failRead`, `hang`). Tracks the peak number of concurrent
 * applies to prove the guard serialises them.
 */
export class FakeTarget implements Target {
  readonly kind = 'fake';
  readonly states = new Map<string, unknown>();
  readonly applied: { actuation: Actuation; context: ActuationContext | undefined }[] = [];
  applyCalls = 0;
  readCalls = 0;
  startCalls = 0;
  peakConcurrentApplies = 0;
  private concurrent = 0;
  /** Errors thrown by the next apply calls, in order. */
  readonly failApply: unknown[] = [];
  readonly failRead: unknown[] = [];
  readonly failStart: unknown[] = [];
  /** When set, apply waits this long (ms) or until aborted... unless `ignoreAbort`. */
  applyDelayMs = 0;
  ignoreAbort = false;
  /** When set, read returns this instead of the stored state (a target that does not converge). */
  readOverride: unknown;

  constructor(
    readonly id = 'fake-1',
    readonly controls: readonly ControlKind[] = ['replicas', 'rate_limit', 'routing', 'cache_ttl'],
  ) {}

  async start(): Promise<void> {
    this.startCalls++;
    const err = this.failStart.shift();
    if (err) throw err;
  }

  async read<C extends ControlKind>(control: C, subject: Tags): Promise<ControlStates[C] | undefined> {
    this.readCalls++;
    const err = this.failRead.shift();
    if (err) throw err;
    if (this.readOverride !== undefined) return this.readOverride as ControlStates[C];
    return this.states.get(controlKey(control, subject)) as ControlStates[C] | undefined;
  }

  async apply(actuation: Actuation, signal: AbortSignal, context?: ActuationContext): Promise<void> {
    this.applyCalls++;
    this.concurrent++;
    this.peakConcurrentApplies = Math.max(this.peakConcurrentApplies, this.concurrent);
    try {
      if (this.applyDelayMs > 0) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, this.applyDelayMs);
          if (!this.ignoreAbort) {
            signal.addEventListener('abort', () => {
              clearTimeout(timer);
              reject(new Error('aborted'));
            });
          }
        });
      }
      const err = this.failApply.shift();
      if (err) throw err;
      this.states.set(controlKey(actuation.control, actuation.subject), actuation.desired);
      this.applied.push({ actuation, context });
    } finally {
      this.concurrent--;
    }
  }
}
