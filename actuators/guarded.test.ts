import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock.js';
import { HeadroomError } from '../core/errors.js';
import type { ActuationMode } from '../core/records/decision.js';
import { FakeTarget } from '../test/helpers/fake-target.js';
import { MemoryRecords } from '../test/helpers/memory-records.js';
import { boundsSchema, type Bounds } from './bounds.js';
import { guardConfigSchema, type GuardConfig } from './config.js';
import { GuardedTarget, type GuardInput } from './guarded.js';
import { OperatorActions } from './operator-actions.js';

const logger = pino({ level: 'silent' });
const subject = { service: 'checkout' };
const retryable = (msg = 'down'): HeadroomError => new HeadroomError('down', msg, { retryable: true });
const permanent = (msg = 'forbidden'): HeadroomError =>
  new HeadroomError('forbidden', msg, { retryable: false });

function setup(
  options: {
    mode?: ActuationMode;
    bounds?: Partial<Bounds>;
    guard?: Partial<GuardConfig>;
    target?: FakeTarget;
    store?: MemoryRecords;
    clock?: FakeClock;
  } = {},
) {
  const target = options.target ?? new FakeTarget();
  const store = options.store ?? new MemoryRecords();
  const clock = options.clock ?? new FakeClock();
  const guarded = new GuardedTarget({
    target,
    mode: options.mode ?? 'dry_run',
    bounds: boundsSchema.parse(options.bounds ?? {}),
    guard: guardConfigSchema.parse({
      initialBackoffMs: 1,
      maxBackoffMs: 5,
      timeoutMs: 200,
      deadlineMs: 2_000,
      ...options.guard,
    }),
    store,
    clock,
    logger,
  });
  return { target, store, clock, guarded, operator: new OperatorActions(guarded, clock) };
}

const replicas = (n: number, extra: Partial<GuardInput> = {}): GuardInput => ({
  actuation: { control: 'replicas', subject, desired: { replicas: n } },
  policy: 'scaling',
  reasons: [`forecast needs ${n}`],
  suppressed: [],
  ...extra,
});

describe('GuardedTarget modes and outcomes', () => {
  it('dry_run (the default) decides and records but never applies', async () => {
    const { target, store, guarded } = setup();
    target.states.set('replicas|service=checkout', { replicas: 3 });
    const record = await guarded.actuate(replicas(5));
    expect(target.applyCalls).toBe(0);
    expect(record.body).toMatchObject({
      mode: 'dry_run',
      outcome: 'dry_run',
      current: { replicas: 3 },
      desired: { replicas: 5 },
      policy: 'scaling',
      control: 'replicas',
      target: 'fake-1',
    });
    expect(record.body.reasons).toEqual(['forecast needs 5', 'dry_run: decided and recorded, not applied']);
    expect(store.all('decision')).toHaveLength(1);
    expect(record.tags).toEqual({
      service: 'checkout',
      target: 'fake-1',
      policy: 'scaling',
      control: 'replicas',
    });
    expect(record.body.outcome).toBe('dry_run');
  });

  it('enforce applies, confirms by reading back, and records one audit record (written ahead, then final)', async () => {
    const { target, store, guarded } = setup({ mode: 'enforce' });
    target.states.set('replicas|service=checkout', { replicas: 3 });
    const record = await guarded.actuate(replicas(5));
    expect(record.body).toMatchObject({
      outcome: 'applied',
      current: { replicas: 3 },
      desired: { replicas: 5 },
    });
    expect(target.applied).toEqual([
      {
        actuation: { control: 'replicas', subject, desired: { replicas: 5 } },
        context: { decisionId: record.id, policy: 'scaling', reasons: expect.any(Array) as unknown },
      },
    ]);
    expect(store.all('decision')).toHaveLength(1);
    expect(store.writes).toBe(2);
    expect(guarded.status().subjects[0]).toMatchObject({
      current: { replicas: 3 },
      desired: { replicas: 5 },
    });
  });

  it('unchanged when the target is already there', async () => {
    const { target, guarded } = setup({ mode: 'enforce' });
    target.states.set('replicas|service=checkout', { replicas: 5 });
    expect((await guarded.actuate(replicas(5))).body.outcome).toBe('unchanged');
    expect(target.applyCalls).toBe(0);
  });

  it.each([
    [
      'replicas above max',
      { replicas: { min: 2, max: 20 } },
      replicas(100),
      { replicas: 20 },
      'replicas 100 clamped to bounds [2, 20]',
    ],
    [
      'replicas below min',
      { replicas: { min: 2, max: 20 } },
      replicas(0),
      { replicas: 2 },
      'replicas 0 clamped to bounds [2, 20]',
    ],
    [
      'rate and burst',
      { rate_limit: { min: 5, max: 100, maxBurst: 10 } },
      {
        ...replicas(1),
        actuation: { control: 'rate_limit', subject, desired: { ratePerSecond: 1, burst: 50 } },
      },
      { ratePerSecond: 5, burst: 10 },
      'rate 1/s burst 50 clamped to bounds [5, 100]/s burst <= 10',
    ],
  ] as const)(
    'bounds: %s are clamped and the clamp recorded',
    async (_name, bounds, input, desired, note) => {
      const { target, guarded } = setup({ mode: 'enforce', bounds: bounds as Partial<Bounds> });
      const record = await guarded.actuate(input as GuardInput);
      expect(record.body.outcome).toBe('applied');
      expect(record.body.desired).toEqual(desired);
      expect(record.body.reasons).toContain(note);
      expect(record.body.suppressed).toEqual([{ wanted: input.actuation.desired, reason: note }]);
      expect(target.applied[0]!.actuation.desired).toEqual(desired);
    },
  );

  it('refuses a routing state that leaves nothing serving', async () => {
    const { target, guarded } = setup({ mode: 'enforce' });
    const record = await guarded.actuate({
      ...replicas(1),
      actuation: {
        control: 'routing',
        subject,
        desired: { weights: { a: 0, b: 5 }, down: ['b'], backup: [] },
      },
    });
    expect(record.body).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('routing_refused') as unknown,
    });
    expect(target.applyCalls).toBe(0);
  });

  it('refuses invalid states, subjects and controls the target does not handle', async () => {
    const { target, guarded } = setup({ mode: 'enforce', target: new FakeTarget('t', ['replicas']) });
    const bad = await guarded.actuate({
      ...replicas(1),
      actuation: { control: 'replicas', subject, desired: { replicas: -2 } },
    });
    expect(bad.body.error).toMatch(/^invalid desired state: replicas:/);
    const badSubject = await guarded.actuate({
      ...replicas(1),
      actuation: { control: 'replicas', subject: { target: 'x' }, desired: { replicas: 1 } },
    });
    expect(badSubject.body.error).toMatch(/^invalid subject/);
    const other = await guarded.actuate({
      ...replicas(1),
      actuation: { control: 'cache_ttl', subject, desired: { ttlSeconds: 1, staleOnError: false } },
    });
    expect(other.body).toMatchObject({ outcome: 'failed', error: 'fake target does not handle cache_ttl' });
    expect(target.applyCalls).toBe(0);
  });
});

describe('fail-static, pause and override', () => {
  it('holds the last applied state when told telemetry is stale', async () => {
    const { target, clock, guarded } = setup({ mode: 'enforce' });
    await guarded.actuate(replicas(4));
    clock.advance(60_000);
    const held = await guarded.actuate(replicas(9, { failStatic: 'telemetry stale for 180 s' }));
    expect(held.body).toMatchObject({ outcome: 'held', current: { replicas: 4 }, desired: { replicas: 9 } });
    expect(held.body.reasons[0]).toBe(
      'fail-static: telemetry stale for 180 s; holding the last applied state {"replicas":4} (applied 2026-01-05T00:00:00.000Z)',
    );
    expect(held.body.suppressed).toEqual([
      { wanted: { replicas: 9 }, reason: 'fail-static: telemetry stale for 180 s' },
    ]);
    expect(target.applyCalls).toBe(1);
  });

  it('pause stops applying (recorded as paused) until resumed; both actions are audited', async () => {
    const { target, store, guarded, operator } = setup({ mode: 'enforce' });
    await operator.pause('incident 123');
    const paused = await guarded.actuate(replicas(6));
    expect(paused.body.outcome).toBe('paused');
    expect(paused.body.reasons[0]).toMatch(/^target paused by an operator since .* \(incident 123\)$/);
    expect(target.applyCalls).toBe(0);
    expect(guarded.status().paused).toMatchObject({ reason: 'incident 123' });
    await operator.resume();
    expect((await guarded.actuate(replicas(6))).body.outcome).toBe('applied');
    const operatorRecords = store.all('decision').filter((r) => r.body.policy === 'operator');
    expect(operatorRecords.map((r) => [r.body.operator?.action, r.body.outcome])).toEqual([
      ['pause', 'paused'],
      ['resume', 'resumed'],
    ]);
  });

  it('an override pins a value at once and on every decision until it expires', async () => {
    const { target, clock, guarded, operator } = setup({
      mode: 'enforce',
      bounds: { replicas: { min: 1, max: 50 } },
    });
    const { decision } = await operator.override({
      control: 'replicas',
      subject,
      value: { replicas: 12 },
      untilMs: clock.now() + 3_600_000,
      reason: 'launch',
    });
    expect(decision.body).toMatchObject({
      outcome: 'overridden',
      desired: { replicas: 12 },
      policy: 'operator',
    });
    expect(target.states.get('replicas|service=checkout')).toEqual({ replicas: 12 });
    clock.advance(60_000);
    const pinned = await guarded.actuate(replicas(3));
    expect(pinned.body).toMatchObject({
      outcome: 'overridden',
      desired: { replicas: 12 },
      current: { replicas: 12 },
    });
    expect(pinned.body.suppressed[0]).toEqual({
      wanted: { replicas: 3 },
      reason: 'operator override until 2026-01-05T01:00:00.000Z',
    });
    expect(guarded.status().overrides).toHaveLength(1);
    clock.advance(3_600_000);
    expect((await guarded.actuate(replicas(3))).body).toMatchObject({
      outcome: 'applied',
      desired: { replicas: 3 },
    });
    expect(guarded.status().overrides).toHaveLength(0);
  });

  it('rejects overrides naming the field at fault', async () => {
    const { clock, operator } = setup({ target: new FakeTarget('t', ['replicas']) });
    const until = clock.now() + 1_000;
    await expect(
      operator.override({ control: 'routing', subject, value: {}, untilMs: until }),
    ).rejects.toMatchObject({ field: 'control' });
    await expect(
      operator.override({ control: 'replicas', subject, value: { replicas: 'x' }, untilMs: until }),
    ).rejects.toMatchObject({
      field: 'value.replicas',
    });
    await expect(
      operator.override({ control: 'replicas', subject: {}, value: { replicas: 1 }, untilMs: until }),
    ).rejects.toMatchObject({
      field: 'subject',
    });
    await expect(
      operator.override({ control: 'replicas', subject, value: { replicas: 1 }, untilMs: clock.now() }),
    ).rejects.toMatchObject({
      field: 'until',
    });
  });

  it('pause and overrides survive a restart (rebuilt from the audit log)', async () => {
    const store = new MemoryRecords();
    const clock = new FakeClock();
    const first = setup({ mode: 'enforce', store, clock });
    await first.operator.override({
      control: 'replicas',
      subject,
      value: { replicas: 7 },
      untilMs: clock.now() + 60_000,
    });
    await first.operator.pause('maintenance');
    clock.advance(1_000);
    const second = setup({ mode: 'enforce', store, clock, target: first.target });
    await second.guarded.start(AbortSignal.timeout(1_000));
    expect(second.guarded.status()).toMatchObject({
      paused: { reason: 'maintenance' },
      overrides: [{ control: 'replicas', value: { replicas: 7 } }],
    });
    expect((await second.guarded.actuate(replicas(2))).body.outcome).toBe('paused');
    await second.operator.resume();
    expect((await second.guarded.actuate(replicas(2))).body).toMatchObject({
      outcome: 'overridden',
      desired: { replicas: 7 },
    });
  });

  it('replays operator actions made in the same millisecond in the order they happened', async () => {
    // A store free to return ties in any order: this one reverses them.
    class ReversingRecords extends MemoryRecords {
      override async queryRecords<K extends Parameters<MemoryRecords['queryRecords']>[0]['kind']>(
        query: Parameters<MemoryRecords['queryRecords']>[0] & { kind: K },
      ) {
        return (await super.queryRecords(query)).reverse();
      }
    }
    const store = new ReversingRecords();
    const clock = new FakeClock();
    const first = setup({ store, clock });
    await first.operator.pause();
    await first.operator.resume();
    await first.operator.pause('again');
    await first.operator.resume();
    const second = setup({ store, clock, target: first.target });
    await second.guarded.start(AbortSignal.timeout(1_000));
    expect(second.guarded.status().paused).toBeNull();
  });
});

describe('resilience', () => {
  it('retries retryable failures with backoff, then applies', async () => {
    const { target, guarded } = setup({ mode: 'enforce', guard: { maxAttempts: 3 } });
    target.failApply.push(retryable(), retryable());
    expect((await guarded.actuate(replicas(2))).body.outcome).toBe('applied');
    expect(target.applyCalls).toBe(3);
  });

  it('does not retry a permanent failure, and records it redacted of nothing but what the target said', async () => {
    const { target, guarded } = setup({ mode: 'enforce' });
    target.failApply.push(permanent('RBAC says no'));
    const record = await guarded.actuate(replicas(2));
    expect(record.body).toMatchObject({ outcome: 'failed', error: 'forbidden: RBAC says no' });
    expect(target.applyCalls).toBe(1);
    expect(guarded.status().lastError).toMatchObject({
      message: 'forbidden: RBAC says no',
      decisionId: record.id,
    });
  });

  it('does not wait for a Retry-After longer than the backoff ceiling', async () => {
    const { target, guarded } = setup({ mode: 'enforce', guard: { maxBackoffMs: 5 } });
    target.failApply.push(new HeadroomError('throttled', '429', { retryable: true, retryAfterMs: 60_000 }));
    expect((await guarded.actuate(replicas(2))).body.outcome).toBe('failed');
    expect(target.applyCalls).toBe(1);
  });

  it('a hanging target times out without holding the caller, and never blocks other targets', async () => {
    const slow = setup({ mode: 'enforce', guard: { timeoutMs: 50, maxAttempts: 2 } });
    slow.target.applyDelayMs = 60_000;
    slow.target.ignoreAbort = true;
    const fast = setup({ mode: 'enforce', target: new FakeTarget('fast') });
    const [slowRecord, fastRecord] = await Promise.all([
      slow.guarded.actuate(replicas(2)),
      fast.guarded.actuate(replicas(2)),
    ]);
    expect(fastRecord.body.outcome).toBe('applied');
    expect(slowRecord.body).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/^timed out/) as unknown,
    });
    expect(slow.target.applyCalls).toBe(2);
  });

  it('opens the breaker after consecutive failures and then fails fast without calling the target', async () => {
    const { target, guarded } = setup({
      mode: 'enforce',
      guard: { maxAttempts: 1, breakerFailures: 3, breakerHalfOpenAfterMs: 60_000 },
    });
    for (let i = 0; i < 3; i++) target.failRead.push(retryable());
    for (let i = 0; i < 3; i++) expect((await guarded.actuate(replicas(2))).body.outcome).toBe('failed');
    expect(guarded.status().breaker).toBe('open');
    const calls = target.readCalls;
    const fastFail = await guarded.actuate(replicas(2));
    expect(fastFail.body.error).toMatch(
      /^could not read the current state: circuit breaker open after 3 consecutive failures/,
    );
    expect(target.readCalls).toBe(calls);
    expect(guarded.status().consecutiveFailures).toBe(4);
  });

  it('a half-open breaker lets one probe through and closes on success', async () => {
    const { target, guarded } = setup({
      mode: 'enforce',
      guard: { maxAttempts: 1, breakerFailures: 1, breakerHalfOpenAfterMs: 20 },
    });
    target.failRead.push(retryable());
    await guarded.actuate(replicas(2));
    expect(guarded.status().breaker).toBe('open');
    await new Promise((r) => setTimeout(r, 30));
    expect((await guarded.actuate(replicas(2))).body.outcome).toBe('applied');
    expect(guarded.status().breaker).toBe('closed');
  });

  it('reads the current state for the control loop, and says nothing when the target fails', async () => {
    const { target, guarded } = setup();
    target.states.set('replicas|service=checkout', { replicas: 4 });
    expect(await guarded.readCurrent('replicas', subject, AbortSignal.timeout(1_000))).toEqual({
      replicas: 4,
    });
    target.failRead.push(retryable());
    expect(await guarded.readCurrent('replicas', subject, AbortSignal.timeout(1_000))).toBeUndefined();
    expect(guarded.status().subjects[0]!.current).toEqual({ replicas: 4 });
  });

  it('does not apply what it cannot audit', async () => {
    const { target, store, guarded } = setup({ mode: 'enforce' });
    await guarded.start(AbortSignal.timeout(1_000));
    store.down = true;
    const record = await guarded.actuate(replicas(2));
    expect(record.body).toMatchObject({
      outcome: 'failed',
      error: 'audit store unavailable, not applying: store unreachable',
    });
    expect(target.applyCalls).toBe(0);
  });

  it('reports a change that does not converge as failed', async () => {
    const { target, guarded } = setup({ mode: 'enforce' });
    target.readOverride = { replicas: 1 };
    const record = await guarded.actuate(replicas(2));
    expect(record.body.error).toBe('not_converged: read back {"replicas":1} after applying');
  });

  it('serialises decisions on one target; a queued one that reaches its deadline is recorded as busy', async () => {
    const { target, guarded } = setup({ mode: 'enforce', guard: { timeoutMs: 2_000, deadlineMs: 1_000 } });
    target.applyDelayMs = 300;
    const results = await Promise.all([1, 2, 3, 4].map((n) => guarded.actuate(replicas(n))));
    expect(target.peakConcurrentApplies).toBe(1);
    expect(results.filter((r) => r.body.outcome === 'applied').length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.body.outcome === 'failed'))
      expect(r.body.error).toMatch(/target busy|timed out/);
  });

  it('a target that fails to start is retried on the next decision', async () => {
    const { target, guarded } = setup({ mode: 'enforce' });
    target.failStart.push(permanent('kubeconfig missing'));
    await guarded.start(AbortSignal.timeout(1_000));
    expect(guarded.status().started).toBe(false);
    expect((await guarded.actuate(replicas(2))).body.outcome).toBe('applied');
    expect(guarded.status().started).toBe(true);
    expect(target.startCalls).toBe(2);
  });
});
