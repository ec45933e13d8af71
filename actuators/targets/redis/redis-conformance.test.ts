import { REDIS_BINARY, RedisServer } from '../../../test/helpers/redis-server.js';
import { requireServer } from '../../../test/helpers/server-process.js';
import { describeTargetConformance } from '../../../test/target-conformance.js';
import { actuatorsConfigSchema, type TargetConfigOf } from '../../config.js';
import { RedisTarget } from './redis-target.js';

const PASSWORD = 'conformance-redis-password-51c2';
const WRONG = 'conformance-wrong-password-77ab';

function config(url: string, password?: string): TargetConfigOf<'redis'> {
  return actuatorsConfigSchema.parse({
    targets: [
      { id: 'fleet', kind: 'redis', url, ...(password ? { password } : {}), commandTimeoutMs: 1_000 },
    ],
  }).targets[0] as TargetConfigOf<'redis'>;
}

describeTargetConformance('redis', async ({ logger, clock }) => {
  if (!requireServer(REDIS_BINARY, 'redis-server')) return undefined;
  const redis = await RedisServer.start({ password: PASSWORD });
  const servers = [redis];
  const subject = { provider: 'stripe', endpoint: '/v1/charges' };
  const actuation = (ttlSeconds: number) => ({
    control: 'cache_ttl' as const,
    subject,
    desired: { ttlSeconds, staleOnError: ttlSeconds > 60 },
  });
  return {
    target: new RedisTarget(config(redis.url, PASSWORD), { logger, clock }),
    actuations: [actuation(30), actuation(600)],
    secrets: [PASSWORD, WRONG],
    // Redis down (killed): retryable.
    retryableFailure: async () => {
      const gone = await RedisServer.start({ password: PASSWORD });
      servers.push(gone);
      const target = new RedisTarget(config(gone.url, PASSWORD), { logger, clock });
      await target.start();
      await gone.kill();
      return { target, actuation: actuation(5) };
    },
    // A password in the URL that Redis refuses: permanent, and the URL must not leak it.
    permanentFailure: async () => ({
      target: new RedisTarget(config(`redis://:${WRONG}@127.0.0.1:${redis.port}`), { logger, clock }),
      actuation: actuation(5),
    }),
    cleanup: async () => {
      for (const s of servers) await s.stop();
    },
  };
});
