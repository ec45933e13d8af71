import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../core/clock.js';
import { REDIS_BINARY, RedisServer } from '../../../test/helpers/redis-server.js';
import { requireServer } from '../../../test/helpers/server-process.js';
import { actuatorsConfigSchema, type TargetConfigOf } from '../../config.js';
import { RedisTarget, type PolicyDocument } from './redis-target.js';

const run = requireServer(REDIS_BINARY, 'redis-server');
const PASSWORD = 'redis-pass-do-not-leak-3f9a';
const logger = pino({ level: 'silent' });
const signal = (): AbortSignal => AbortSignal.timeout(10_000);

export function redisTargetConfig(url: string, password: string | undefined): TargetConfigOf<'redis'> {
  return actuatorsConfigSchema.parse({
    targets: [
      { id: 'fleet', kind: 'redis', url, ...(password ? { password } : {}), commandTimeoutMs: 1_000 },
    ],
  }).targets[0] as TargetConfigOf<'redis'>;
}

describe.skipIf(!run)('RedisTarget against a real redis-server', () => {
  let redis: RedisServer;
  let target: RedisTarget;
  let subscriber: Redis;
  const messages: PolicyDocument[] = [];
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 12, 0, 0));

  beforeAll(async () => {
    redis = await RedisServer.start({ password: PASSWORD });
    target = new RedisTarget(redisTargetConfig(redis.url, PASSWORD), { logger, clock });
    await target.start();
    subscriber = new Redis(redis.url, { password: PASSWORD });
    await subscriber.subscribe('headroom:policy-updates');
    subscriber.on('message', (_channel: string, text: string) =>
      messages.push(JSON.parse(text) as PolicyDocument),
    );
  });

  afterAll(async () => {
    subscriber?.disconnect();
    await target?.stop();
    await redis?.stop();
  });

  const subject = { provider: 'stripe' };
  const waitFor = async (n: number): Promise<void> => {
    for (let i = 0; i < 1_000 && messages.length < n; i++) await new Promise((r) => setTimeout(r, 5));
  };

  it('writes a versioned document to the key and publishes it to subscribers', async () => {
    await target.apply(
      { control: 'rate_limit', subject, desired: { ratePerSecond: 40, burst: 10 } },
      signal(),
      { decisionId: 'd-1', policy: 'rate-limit', reasons: ['quota'] },
    );
    await waitFor(1);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toEqual({
      schema: 1,
      key: 'headroom:policy:rate_limit:provider=stripe',
      control: 'rate_limit',
      subject,
      state: { ratePerSecond: 40, burst: 10 },
      revision: 1,
      updatedAtMs: clock.now(),
      updatedAt: '2026-01-05T12:00:00.000Z',
      target: 'fleet',
      decisionId: 'd-1',
      policy: 'rate-limit',
    });
    const stored = JSON.parse(
      (await subscriber.duplicate().get(messages[0]!.key)) ?? 'null',
    ) as PolicyDocument;
    expect(stored).toEqual(messages[0]);
    expect(await target.read('rate_limit', subject, signal())).toEqual({ ratePerSecond: 40, burst: 10 });
  });

  it('is idempotent: the same state again neither bumps the revision nor publishes', async () => {
    await target.apply(
      { control: 'rate_limit', subject, desired: { burst: 10, ratePerSecond: 40 } },
      signal(),
    );
    clock.advance(10_000);
    await target.apply(
      { control: 'rate_limit', subject, desired: { ratePerSecond: 20, burst: 5 } },
      signal(),
    );
    await waitFor(2);
    expect(messages.map((m) => m.revision)).toEqual([1, 2]);
    expect(messages[1]!.state).toEqual({ ratePerSecond: 20, burst: 5 });
  });

  it('overwrites a key that does not hold a Headroom document', async () => {
    const raw = new Redis(redis.url, { password: PASSWORD });
    await raw.set(target.keyFor('cache_ttl', { provider: 'x' }), 'not json');
    raw.disconnect();
    expect(await target.read('cache_ttl', { provider: 'x' }, signal())).toBeUndefined();
    await target.apply(
      { control: 'cache_ttl', subject: { provider: 'x' }, desired: { ttlSeconds: 30, staleOnError: true } },
      signal(),
    );
    expect(await target.read('cache_ttl', { provider: 'x' }, signal())).toEqual({
      ttlSeconds: 30,
      staleOnError: true,
    });
  });

  it('refuses a control it is not configured for (not retryable)', async () => {
    await expect(
      target.apply({ control: 'replicas', subject, desired: { replicas: 3 } }, signal()),
    ).rejects.toMatchObject({ code: 'unsupported_control', retryable: false });
  });

  it('a wrong password is not retryable; Redis down is retryable', async () => {
    const wrong = new RedisTarget(redisTargetConfig(redis.url, 'wrong-password-xyz'), { logger, clock });
    await wrong.start();
    const err = await wrong.read('rate_limit', subject, signal()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'redis_auth', retryable: false });
    expect(String((err as Error).message)).not.toContain('wrong-password-xyz');
    await wrong.stop();

    const other = await RedisServer.start();
    const lonely = new RedisTarget(redisTargetConfig(other.url, undefined), { logger, clock });
    await lonely.start();
    await other.kill();
    const down = await lonely
      .apply({ control: 'rate_limit', subject, desired: { ratePerSecond: 1, burst: 1 } }, signal())
      .catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'redis_unavailable', retryable: true });
    await lonely.stop();
  });
});
