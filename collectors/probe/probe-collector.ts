import { join } from 'node:path';
import type { Clock } from '../../core/clock.js';
import type { Component } from '../../core/component.js';
import type { Logger } from '../../core/logger.js';
import type { Sink } from '../../core/store.js';
import { CallTagger } from '../call-tagger.js';
import { Rollup } from '../rollup.js';
import type { RollupConfig } from '../rollup-config.js';
import { statusOutcome } from '../status-class.js';
import { hostOfUrl } from '../url-parts.js';
import type { ProbeConfig } from './config.js';

/** Response bytes read at most (the body is drained so the timing includes it, not kept). */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ProbeCollectorOptions {
  probes: readonly ProbeConfig[];
  rollup: RollupConfig;
  /** The collector tag is `probe:<instance>`. */
  instance: string;
  sink: Sink;
  clock: Clock;
  logger: Logger;
  stateDir?: string;
}

/** What one probe run saw. */
export interface ProbeResult {
  probe: string;
  /** HTTP status, or undefined when no response came (refused, timeout). */
  status: number | undefined;
  ok: boolean;
  durationMs: number;
  /** Why it failed, in a few words (never containing header values). */
  failure?: string;
}

/** Something that runs jobs on cron schedules (daemon/scheduler.ts). */
export interface CronScheduler {
  cron(name: string, expression: string, job: (signal: AbortSignal) => Promise<void>): void;
}

/**
 * Synthetic probes: each configured URL is requested on its cron schedule and recorded as an
 * `api_calls` call (collector `probe:<instance>`, endpoint = probe name), so a provider without
 * live traffic is still watched. Latency runs until the body has been read (up to 1 MiB).
 * Success is a status within `expectStatus`; anything else, a refused connection or the
 * timeout is an error (`status_class` from the status, or `error` without one).
 */
export class ProbeCollector {
  readonly rollup: Rollup;
  readonly components: readonly Component[];
  private readonly byName = new Map<string, ProbeConfig>();
  private readonly tagger: CallTagger;
  private readonly log: Logger;

  constructor(private readonly options: ProbeCollectorOptions) {
    this.log = options.logger.child({ component: 'probe' });
    this.rollup = new Rollup({
      config: options.rollup,
      collector: `probe:${options.instance}`,
      sink: options.sink,
      clock: options.clock,
      logger: options.logger,
      ...(options.stateDir ? { stateFile: join(options.stateDir, 'probe-rollup.json') } : {}),
    });
    this.tagger = new CallTagger(options.rollup);
    for (const probe of options.probes) this.byName.set(probe.name, probe);
    this.components = [this.rollup];
  }

  /** Registers every probe's schedule (jobs named `probe <name>`). */
  schedule(scheduler: CronScheduler): void {
    for (const probe of this.options.probes) {
      scheduler.cron(`probe ${probe.name}`, probe.schedule, async (signal) => {
        await this.run(probe.name, signal);
      });
    }
  }

  /** Runs one probe now and records it (unless `signal` aborted: the daemon is stopping). */
  async run(name: string, signal: AbortSignal): Promise<ProbeResult> {
    const probe = this.byName.get(name);
    if (!probe) throw new Error(`no probe named ${name}`);
    const started = performance.now();
    let status: number | undefined;
    let failure: string | undefined;
    const timeout = AbortSignal.timeout(probe.timeoutMs);
    const either = anyOf(signal, timeout);
    try {
      const res = await fetch(probe.url, {
        method: probe.method,
        headers: probe.headers,
        redirect: 'manual',
        signal: either.signal,
      });
      status = res.status;
      await drain(res);
    } catch (err) {
      failure = timeout.aborted
        ? `no answer within ${probe.timeoutMs} ms`
        : `request failed: ${causeOf(err)}`;
    } finally {
      either.release();
    }
    const durationMs = performance.now() - started;
    if (signal.aborted) return { probe: name, status, ok: false, durationMs, failure: 'stopped' };
    const ok =
      failure === undefined &&
      status !== undefined &&
      probe.expectStatus.some(([lo, hi]) => status! >= lo && status! <= hi);
    if (!ok && !failure) failure = `unexpected status ${status}`;
    const outcome = statusOutcome(status ?? 0, !ok);
    this.rollup.record(
      'api_calls',
      probe.service,
      probe.provider ?? this.tagger.provider(hostOfUrl(probe.url)),
      probe.name,
      probe.method,
      '',
      outcome.statusClass,
      this.options.clock.now(),
      this.options.clock.now(),
      // A timed-out probe counts at its timeout: the provider took at least that long.
      status === undefined && timeout.aborted ? probe.timeoutMs : durationMs,
      !ok,
    );
    if (!ok) this.log.debug({ probe: name, failure }, 'probe failed');
    return { probe: name, status, ok, durationMs, ...(failure ? { failure } : {}) };
  }
}

/** A signal aborted by either input (AbortSignal.any is missing from this lib's types). */
function anyOf(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (a.aborted || b.aborted) abort();
  a.addEventListener('abort', abort, { once: true });
  b.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      a.removeEventListener('abort', abort);
      b.removeEventListener('abort', abort);
    },
  };
}

async function drain(res: Response): Promise<void> {
  if (!res.body) return;
  const reader = res.body.getReader();
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.byteLength;
    if (read >= MAX_BODY_BYTES) {
      await reader.cancel();
      return;
    }
  }
}

/** undici wraps network errors as "fetch failed" with the useful part in `cause`. */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
