import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.js';
import { Scheduler } from './scheduler.js';

const quiet = createLogger(
  { level: 'silent', format: 'json' },
  new Writable({ write: (_c, _e, done) => done() }),
);

afterEach(() => {
  vi.useRealTimers();
});

describe('Scheduler', () => {
  it('runs interval jobs after start, never overlapping a run with itself', async () => {
    vi.useFakeTimers();
    const scheduler = new Scheduler(quiet);
    let runs = 0;
    let release: () => void = () => {};
    scheduler.every('slow', 1_000, async () => {
      runs++;
      await new Promise<void>((resolve) => (release = resolve));
    });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(0); // not started yet
    await scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(3_000); // still running: later ticks are skipped
    expect(runs).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(2);
    release();
    await scheduler.stop();
  });

  it('logs and survives a failing job; runNow waits for the run', async () => {
    const scheduler = new Scheduler(quiet);
    let calls = 0;
    scheduler.cron('fails', '0 0 1 1 *', async () => {
      calls++;
      throw new Error('nope');
    });
    await scheduler.start();
    await scheduler.runNow('fails');
    await scheduler.runNow('fails');
    expect(calls).toBe(2);
    await expect(scheduler.runNow('missing')).rejects.toThrow(/no job named missing/);
    await scheduler.stop();
  });

  it('aborts running jobs on stop and waits for them', async () => {
    const scheduler = new Scheduler(quiet);
    let sawAbort = false;
    scheduler.cron('long', '0 0 1 1 *', async (signal) => {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      sawAbort = true;
    });
    await scheduler.start();
    const run = scheduler.runNow('long');
    await scheduler.stop();
    await run;
    expect(sawAbort).toBe(true);
  });
});
