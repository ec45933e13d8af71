import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedTarget } from '../actuators/guarded.js';
import { boundsSchema } from '../actuators/bounds.js';
import { guardConfigSchema } from '../actuators/config.js';
import type { Actuation, ControlKind, ControlStates, Target } from '../core/actuator.js';
import { FakeClock } from '../core/clock.js';
import { HeadroomError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { MemoryRecords } from './helpers/memory-records.js';

/** A target under test plus the ways to make it fail, provided by each target's test file. */
export interface ConformanceHarness {
  /** A working target (not started yet). */
  target: Target;
  /** Two different desired states for one control and subject the target handles. */
  actuations: readonly [Actuation, Actuation];
  /** Values that must never appear in logs, errors, audit records or status (tokens, keys, passwords). */
  secrets: readonly string[];
  /** A target (and actuation) whose apply fails in a retryable way: server down, 503. */
  retryableFailure(): Promise<{ target: Target; actuation: Actuation }>;
  /** A target (and actuation) whose apply fails permanently: refused credentials, 403, invalid config. */
  permanentFailure(): Promise<{ target: Target; actuation: Actuation }>;
  cleanup(): Promise<void>;
}

export interface ConformanceContext {
  /** Every target the harness builds must log here: the suite scans it for secrets. */
  logger: Logger;
  clock: FakeClock;
}

const signal = (): AbortSignal => AbortSignal.timeout(20_000);

/**
 * The contract every actuation target meets (core/actuator.ts, STYLE.md "Tests"): lifecycle
 * (stop before start, start and stop twice, restart), apply-then-read returns the applied state,
 * apply is idempotent, failures are classified retryable or not, and no secret reaches logs
 * (captured at trace level), error messages, stacks or causes, audit records or status.
 * `setup` returns undefined when a server the target needs is not installed (outside CI).
 */
export function describeTargetConformance(
  name: string,
  setup: (ctx: ConformanceContext) => Promise<ConformanceHarness | undefined>,
): void {
  describe(`target conformance: ${name}`, () => {
    const lines: string[] = [];
    const ctx: ConformanceContext = {
      logger: pino(
        { level: 'trace' },
        new Writable({
          write(chunk: Buffer, _enc, done) {
            lines.push(chunk.toString());
            done();
          },
        }),
      ),
      clock: new FakeClock(Date.UTC(2026, 0, 5, 12, 0, 0)),
    };
    let h: ConformanceHarness | undefined;
    /** Everything observable that must stay free of secrets. */
    const observed: string[] = [];

    beforeAll(async () => {
      h = await setup(ctx);
      if (!h) console.warn(`skipping target conformance for ${name}: its server is not available`);
    });
    afterAll(async () => {
      await h?.target.stop?.();
      await h?.cleanup();
    });

    const expected = (target: Target, a: Actuation): unknown =>
      target.normalize
        ? target.normalize(a.control, a.subject, a.desired as ControlStates[ControlKind])
        : a.desired;

    it('lifecycle: stop before start, start twice, stop twice and restart are safe', async (t) => {
      if (!h) return t.skip();
      const { target } = h;
      await target.stop?.();
      await target.start?.(signal());
      await target.start?.(signal());
      await target.stop?.();
      await target.stop?.();
      await target.start?.(signal());
      await target.apply(h.actuations[0], signal());
      expect(await target.read(h.actuations[0].control, h.actuations[0].subject, signal())).toEqual(
        expected(target, h.actuations[0]),
      );
    });

    it('apply then read returns the applied state; apply is idempotent', async (t) => {
      if (!h) return t.skip();
      const { target, actuations } = h;
      for (const a of [actuations[1], actuations[0], actuations[0], actuations[1], actuations[1]]) {
        await target.apply(a, signal());
        expect(await target.read(a.control, a.subject, signal())).toEqual(expected(target, a));
      }
    });

    it.for(['retryable', 'permanent'] as const)('classifies a %s failure', async (kind, t) => {
      if (!h) return t.skip();
      const { target, actuation } =
        kind === 'retryable' ? await h.retryableFailure() : await h.permanentFailure();
      try {
        await target.start?.(signal());
        const err = await target.apply(actuation, signal()).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(HeadroomError);
        expect((err as HeadroomError).retryable).toBe(kind === 'retryable');
        observed.push(describeError(err));
        // The guard around it: enforce mode, one attempt, audit records kept for the scan.
        const store = new MemoryRecords();
        const guarded = new GuardedTarget({
          target,
          mode: 'enforce',
          bounds: boundsSchema.parse({}),
          guard: guardConfigSchema.parse({
            maxAttempts: 2,
            initialBackoffMs: 1,
            maxBackoffMs: 5,
            timeoutMs: 5_000,
          }),
          store,
          clock: ctx.clock,
          logger: ctx.logger,
        });
        const record = await guarded.actuate({
          actuation,
          policy: 'conformance',
          reasons: [],
          suppressed: [],
        });
        expect(record.body.outcome).toBe('failed');
        observed.push(JSON.stringify(store.all('decision')), JSON.stringify(guarded.status()));
      } finally {
        await target.stop?.();
      }
    });

    it('never leaks a secret into logs, errors, audit records or status', async (t) => {
      if (!h) return t.skip();
      if (h.secrets.length === 0) {
        console.warn(`${name}: the target has no secrets to leak`);
        return t.skip();
      }
      // Also the happy path through the guard (decision records and logs at trace level).
      const store = new MemoryRecords();
      const guarded = new GuardedTarget({
        target: h.target,
        mode: 'enforce',
        bounds: boundsSchema.parse({}),
        guard: guardConfigSchema.parse({}),
        store,
        clock: ctx.clock,
        logger: ctx.logger,
      });
      await guarded.start(signal());
      for (const a of h.actuations)
        await guarded.actuate({ actuation: a, policy: 'conformance', reasons: [], suppressed: [] });
      observed.push(JSON.stringify(store.all('decision')), JSON.stringify(guarded.status()));
      const everything = [...lines, ...observed].join('\n');
      expect(observed.length).toBeGreaterThanOrEqual(6);
      for (const secret of h.secrets) {
        expect(everything.includes(secret), `secret ${secret.slice(0, 3)}… appeared`).toBe(false);
      }
    });
  });
}

/** Message, stack, own properties and the whole cause chain of an error, as text. */
function describeError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e instanceof Error) {
      parts.push(e.message, e.stack ?? '', JSON.stringify(Object.fromEntries(Object.entries(e))));
      e = (e as { cause?: unknown }).cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join('\n');
}
