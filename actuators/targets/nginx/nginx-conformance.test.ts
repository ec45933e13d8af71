import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NGINX_BINARY, NginxServer } from '../../../test/helpers/nginx-server.js';
import { requireServer } from '../../../test/helpers/server-process.js';
import { describeTargetConformance } from '../../../test/target-conformance.js';
import { actuatorsConfigSchema, type TargetConfigOf } from '../../config.js';
import { NginxTarget } from './nginx-target.js';

const subject = { provider: 'api' };

function config(dir: string, extra: object): TargetConfigOf<'nginx'> {
  return actuatorsConfigSchema.parse({
    targets: [
      {
        id: 'edge',
        kind: 'nginx',
        dir,
        verifyReloadMs: 2_000,
        rateLimits: [{ subject, zone: 'api', initial: { ratePerSecond: 10, burst: 5 } }],
        ...extra,
      },
    ],
  }).targets[0] as TargetConfigOf<'nginx'>;
}

describeTargetConformance('nginx', async ({ logger }) => {
  if (!requireServer(NGINX_BINARY, 'nginx')) return undefined;
  const dirs: string[] = [];
  const temp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'headroom-nginx-conf-'));
    dirs.push(d);
    return d;
  };
  const hrDir = temp();
  await new NginxTarget(config(hrDir, {}), { logger }).start();
  const nginx = await NginxServer.start({
    http: `
  include ${hrDir}/headroom-limits.conf;
  server { listen 127.0.0.1:{{PORT}}; location / { include ${hrDir}/headroom-limit-api.conf; return 204; } }`,
  });
  const live = { configFile: nginx.confPath, prefix: nginx.dir, pidFile: join(nginx.dir, 'nginx.pid') };
  const actuation = (ratePerSecond: number, burst: number) => ({
    control: 'rate_limit' as const,
    subject,
    desired: { ratePerSecond, burst },
  });
  return {
    target: new NginxTarget(config(hrDir, live), { logger }),
    actuations: [actuation(25, 10), actuation(0.5, 0)],
    secrets: [],
    // nginx not running (no pid file): the reload fails, which may pass.
    retryableFailure: async () => {
      const prefix = temp();
      const conf = join(prefix, 'nginx.conf');
      const dir = temp();
      writeFileSync(
        conf,
        `pid ${prefix}/not-running.pid;\nerror_log ${prefix}/error.log;\nevents {}\nhttp { include ${dir}/headroom-limits.conf; }\n`,
      );
      return {
        target: new NginxTarget(config(dir, { configFile: conf, prefix }), { logger }),
        actuation: actuation(3, 1),
      };
    },
    // The operator's configuration does not pass nginx -t: retrying cannot fix that.
    permanentFailure: async () => ({
      target: new NginxTarget(config(temp(), { configFile: join(temp(), 'missing.conf') }), { logger }),
      actuation: actuation(3, 1),
    }),
    cleanup: async () => {
      await nginx.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
});
