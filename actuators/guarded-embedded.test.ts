import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock.js';
import { embeddedConfigSchema } from '../storage/config.js';
import { EmbeddedStore } from '../storage/embedded/embedded-store.js';
import { FakeTarget } from '../test/helpers/fake-target.js';
import { boundsSchema } from './bounds.js';
import { guardConfigSchema } from './config.js';
import { GuardedTarget } from './guarded.js';
import { OperatorActions } from './operator-actions.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-guard-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logger = pino({ level: 'silent' });

describe('GuardedTarget with the embedded SQLite store', () => {
  it('keeps one audit record per decision, and restores pause and overrides after a restart', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 12, 0, 0));
    const path = join(dir, 'audit.sqlite');
    const target = new FakeTarget('cluster', ['replicas']);
    const build = async (): Promise<{
      store: EmbeddedStore;
      guarded: GuardedTarget;
      operator: OperatorActions;
    }> => {
      const store = new EmbeddedStore(embeddedConfigSchema.parse({}), { logger, clock, path });
      await store.start();
      const guarded = new GuardedTarget({
        target,
        mode: 'enforce',
        bounds: boundsSchema.parse({ replicas: { min: 1, max: 10 } }),
        guard: guardConfigSchema.parse({}),
        store,
        clock,
        logger,
      });
      await guarded.start(AbortSignal.timeout(5_000));
      return { store, guarded, operator: new OperatorActions(guarded, clock) };
    };
    const subject = { service: 'checkout' };
    const input = (replicas: number) => ({
      actuation: { control: 'replicas' as const, subject, desired: { replicas } },
      policy: 'scaling',
      reasons: [`wants ${replicas}`],
      suppressed: [],
    });

    const first = await build();
    const applied = await first.guarded.actuate(input(40));
    expect(applied.body).toMatchObject({ outcome: 'applied', desired: { replicas: 10 } });
    clock.advance(1_000);
    await first.operator.override({
      control: 'replicas',
      subject,
      value: { replicas: 4 },
      untilMs: clock.now() + 600_000,
    });
    clock.advance(1_000);
    await first.operator.pause('maintenance');
    const stored = await first.store.queryRecords({
      kind: 'decision',
      where: { target: 'cluster' },
      order: 'asc',
    });
    // The write-ahead record of each apply was replaced by its outcome, not duplicated.
    expect(stored.map((r) => [r.body.policy, r.body.outcome])).toEqual([
      ['scaling', 'applied'],
      ['operator', 'overridden'],
      ['operator', 'overridden'],
      ['operator', 'paused'],
    ]);
    await first.store.stop();

    clock.advance(60_000);
    const second = await build();
    expect(second.guarded.status()).toMatchObject({
      paused: { reason: 'maintenance' },
      overrides: [{ control: 'replicas', value: { replicas: 4 } }],
      subjects: [{ control: 'replicas', lastApplied: { state: { replicas: 4 } } }],
    });
    expect((await second.guarded.actuate(input(2))).body.outcome).toBe('paused');
    await second.operator.resume();
    expect((await second.guarded.actuate(input(2))).body).toMatchObject({
      outcome: 'overridden',
      current: { replicas: 4 },
    });
    clock.advance(600_000);
    expect((await second.guarded.actuate(input(2))).body).toMatchObject({
      outcome: 'applied',
      desired: { replicas: 2 },
    });
    const held = await second.guarded.actuate({ ...input(9), failStatic: 'forecast model failed' });
    expect(held.body.outcome).toBe('held');
    expect(held.body.reasons[0]).toContain('holding the last applied state {"replicas":2}');
    await second.store.stop();
  });
});
