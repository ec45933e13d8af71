import { schedule as scheduleCron, type ScheduledTask } from 'node-cron';
import type { Component } from '../core/component.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { getMeter, inSpan } from '../core/telemetry.js';

export type Job = (signal: AbortSignal) => Promise<void>;

interface Entry {
  name: string;
  run(): Promise<void>;
  cancel(): void | Promise<void>;
}

/**
 * Periodic jobs: cron expressions (node-cron) and fixed intervals. A job never overlaps itself
 * (a run that is still going when the next is due is skipped and counted); each run is a span;
 * a failed run is logged and counted, never thrown. `stop()` cancels schedules, aborts the
 * signal given to running jobs and waits for them to finish.
 */
export class Scheduler implements Component {
  readonly name = 'scheduler';
  private readonly entries: Entry[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private readonly runs;
  private readonly skipped;
  private started = false;

  constructor(logger: Logger) {
    this.log = logger.child({ component: 'scheduler' });
    const meter = getMeter();
    this.runs = meter.createCounter('headroom_job_runs', {
      description: 'Scheduled job runs, by job and outcome',
    });
    this.skipped = meter.createCounter('headroom_job_skipped', {
      description: 'Scheduled runs skipped because the previous run was still going',
    });
  }

  /** Runs `job` on a cron schedule (5 or 6 fields, node-cron syntax). */
  cron(name: string, expression: string, job: Job): void {
    let task: ScheduledTask | undefined;
    const run = this.wrap(name, job);
    const entry: Entry = {
      name,
      run,
      cancel: () => task?.destroy(),
    };
    this.entries.push(entry);
    const arm = (): void => {
      task = scheduleCron(expression, () => run(), { name, noOverlap: false });
    };
    if (this.started) arm();
    else this.pending.push(arm);
  }

  /** Runs `job` every `intervalMs`, first after one interval. */
  every(name: string, intervalMs: number, job: Job): void {
    let timer: NodeJS.Timeout | undefined;
    const run = this.wrap(name, job);
    this.entries.push({ name, run, cancel: () => clearInterval(timer) });
    const arm = (): void => {
      timer = setInterval(() => void run(), intervalMs);
    };
    if (this.started) arm();
    else this.pending.push(arm);
  }

  /** Runs the named job now (still never overlapping itself); resolves when it finished. */
  async runNow(name: string): Promise<void> {
    const entry = this.entries.find((e) => e.name === name);
    if (!entry) throw new Error(`no job named ${name}`);
    await entry.run();
  }

  private readonly pending: (() => void)[] = [];

  async start(): Promise<void> {
    this.started = true;
    for (const arm of this.pending.splice(0)) arm();
  }

  async stop(): Promise<void> {
    for (const entry of this.entries) await entry.cancel();
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }

  private wrap(name: string, job: Job): () => Promise<void> {
    let current: Promise<void> | undefined;
    return async () => {
      if (current) {
        this.skipped.add(1, { job: name });
        return current;
      }
      if (this.abort.signal.aborted) return;
      current = inSpan(`job ${name}`, () => job(this.abort.signal)).then(
        () => this.runs.add(1, { job: name, outcome: 'ok' }),
        (err: unknown) => {
          this.runs.add(1, { job: name, outcome: 'error' });
          this.log.warn({ job: name, err: errorMessage(err) }, 'scheduled job failed');
        },
      );
      this.running.add(current);
      try {
        await current;
      } finally {
        this.running.delete(current);
        current = undefined;
      }
    };
  }
}
