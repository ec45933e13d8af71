import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock.js';
import { freePort } from '../test/helpers/free-port.js';
import { MemoryRecords } from '../test/helpers/memory-records.js';
import { WebhookReceiver } from '../test/helpers/webhook-receiver.js';
import { actuatorsConfigSchema } from './config.js';
import { GuardedTargets } from './guarded-targets.js';

const logger = pino({ level: 'silent' });
const SECRET = 'guarded-targets-hmac-key-123';
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('GuardedTargets', () => {
  it('builds real targets from config; one that is down neither fails start-up nor blocks another', async () => {
    const clock = new FakeClock();
    const receiver = await WebhookReceiver.start(SECRET, () => Math.floor(clock.now() / 1000));
    cleanup.push(() => receiver.stop());
    const deadPort = await freePort();
    const config = actuatorsConfigSchema.parse({
      guard: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 5, timeoutMs: 500, breakerFailures: 2 },
      targets: [
        { id: 'hook', kind: 'webhook', mode: 'enforce', url: receiver.url, secret: SECRET },
        {
          id: 'fleet',
          kind: 'redis',
          mode: 'enforce',
          url: `redis://127.0.0.1:${deadPort}`,
          connectTimeoutMs: 200,
        },
      ],
    });
    const targets = new GuardedTargets({ config, store: new MemoryRecords(), clock, logger });
    cleanup.push(() => targets.stop());
    await targets.start(AbortSignal.timeout(5_000));
    const input = {
      actuation: {
        control: 'rate_limit' as const,
        subject: { provider: 'stripe' },
        desired: { ratePerSecond: 10, burst: 2 },
      },
      policy: 'rate-limit',
      reasons: [],
      suppressed: [],
    };
    const [hook, fleet] = await Promise.all([
      targets.actuate('hook', input),
      targets.actuate('fleet', input),
    ]);
    expect(hook.body.outcome).toBe('applied');
    expect(receiver.deliveries).toHaveLength(1);
    expect(fleet.body).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('redis_unavailable') as unknown,
    });
    await targets.actuate('fleet', input);
    expect(targets.health()).toEqual({ state: 'degraded', detail: 'fleet: breaker open' });
    expect(targets.list().map((s) => [s.id, s.kind, s.breaker])).toEqual([
      ['hook', 'webhook', 'closed'],
      ['fleet', 'redis', 'open'],
    ]);
    await expect(targets.actuate('nope', input)).rejects.toMatchObject({ code: 'unknown_target' });
  });
});
