/**
 * How long one enforced decision takes per target kind, through the guard (read, apply,
 * read-back, two audit writes to the embedded SQLite store), against the real nginx and
 * redis-server, a local webhook receiver and the fake Kubernetes API. Alternates between two
 * states so every decision really applies. Prints p50/p95/max per target, and the cost of a
 * dry-run decision (read + one audit write). Usage: npm run bench:actuators [-- N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { actuatorsConfigSchema, type TargetConfig } from '../../actuators/config.js';
import { GuardedTargets } from '../../actuators/guarded-targets.js';
import type { Actuation } from '../../core/actuator.js';
import { systemClock } from '../../core/clock.js';
import { embeddedConfigSchema } from '../../storage/config.js';
import { EmbeddedStore } from '../../storage/embedded/embedded-store.js';
import { FakeKubeApi } from '../../test/helpers/fake-kube-api.js';
import { NginxServer } from '../../test/helpers/nginx-server.js';
import { RedisServer } from '../../test/helpers/redis-server.js';
import { WebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import { NginxTarget } from '../../actuators/targets/nginx/nginx-target.js';

const N = Number(process.argv[2] ?? 50);
const logger = pino({ level: 'silent' });
const TOKEN = 'bench-kube-token-000000';
const SECRET = 'bench-webhook-secret-0000';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-bench-actuators-'));
  const nginxDir = join(dir, 'nginx');
  const rate = { subject: { provider: 'api' }, zone: 'api', initial: { ratePerSecond: 10, burst: 5 } };
  const nginxEntry = { id: 'nginx', kind: 'nginx', mode: 'enforce', dir: nginxDir, rateLimits: [rate] };
  await new NginxTarget(actuatorsConfigSchema.parse({ targets: [nginxEntry] }).targets[0] as never, {
    logger,
  }).start();
  const nginx = await NginxServer.start({
    http: `include ${nginxDir}/headroom-limits.conf;
  server { listen 127.0.0.1:{{PORT}}; location / { include ${nginxDir}/headroom-limit-api.conf; return 204; } }`,
  });
  const redis = await RedisServer.start();
  const receiver = await WebhookReceiver.start(SECRET, () => Math.floor(Date.now() / 1000));
  const kube = await FakeKubeApi.start({ token: TOKEN });
  kube.addWorkload({ resource: 'deployments', namespace: 'shop', name: 'checkout', replicas: 1 });
  const store = new EmbeddedStore(embeddedConfigSchema.parse({}), {
    logger,
    clock: systemClock,
    path: join(dir, 'audit.sqlite'),
  });
  await store.start();
  const entries = [
    {
      ...nginxEntry,
      configFile: nginx.confPath,
      prefix: nginx.dir,
      pidFile: join(nginx.dir, 'nginx.pid'),
    },
    { id: 'redis', kind: 'redis', mode: 'enforce', url: redis.url },
    { id: 'webhook', kind: 'webhook', mode: 'enforce', url: receiver.url, secret: SECRET },
    {
      id: 'kubernetes',
      kind: 'kubernetes',
      mode: 'enforce',
      kubeconfig: kube.writeKubeconfig(dir, TOKEN),
      workloads: [{ subject: { service: 'checkout' }, name: 'checkout' }],
    },
    { id: 'redis-dry', kind: 'redis', mode: 'dry_run', url: redis.url, keyPrefix: 'bench-dry:' },
  ];
  const config = actuatorsConfigSchema.parse({ targets: entries });
  const targets = new GuardedTargets({ config, store, clock: systemClock, logger });
  await targets.start(AbortSignal.timeout(10_000));
  const actuationFor = (entry: TargetConfig, i: number): Actuation =>
    entry.kind === 'kubernetes'
      ? { control: 'replicas', subject: { service: 'checkout' }, desired: { replicas: 2 + (i % 2) } }
      : {
          control: 'rate_limit',
          subject: { provider: 'api' },
          desired: { ratePerSecond: 20 + (i % 2), burst: 5 },
        };

  const [l1, l5] = loadavg();
  console.log(`load average ${l1!.toFixed(2)} (1 min), ${l5!.toFixed(2)} (5 min); ${N} decisions per target`);
  console.log('target       mode      outcome   p50 ms   p95 ms   max ms');
  for (const entry of config.targets) {
    const times: number[] = [];
    let outcome = '';
    for (let i = 0; i < N; i++) {
      const started = performance.now();
      const record = await targets.actuate(entry.id, {
        actuation: actuationFor(entry, i),
        policy: 'bench',
        reasons: [],
        suppressed: [],
      });
      times.push(performance.now() - started);
      outcome = record.body.outcome;
      if (record.body.outcome === 'failed') throw new Error(`${entry.id}: ${record.body.error}`);
    }
    times.sort((a, b) => a - b);
    const q = (p: number): string =>
      times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
    console.log(
      `${entry.id.padEnd(12)} ${entry.mode.padEnd(9)} ${outcome.padEnd(9)} ${q(0.5).padStart(6)}   ${q(0.95).padStart(6)}   ${times.at(-1)!.toFixed(1).padStart(6)}`,
    );
  }
  await targets.stop();
  await store.stop();
  await nginx.stop();
  await redis.stop();
  await receiver.stop();
  await kube.stop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
