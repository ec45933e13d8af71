import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { ServerProcess } from './server-process.js';

const INFLUXD = process.env.HEADROOM_INFLUXD ?? 'influxd';

/**
 * A real `influxd` (1.6.7 from Debian) owned by a test or benchmark: loopback only, a free port,
 * its meta/data/wal in a temp dir, usage reporting off. `stop()` / `kill()` and `start()` again
 * reuse the same port and data dir, for outage tests.
 */
export class InfluxServer {
  private readonly process: ServerProcess;

  private constructor(
    readonly port: number,
    readonly dir: string,
    configFile: string,
    /** With TLS: the PEM certificate clients must trust (it signs itself). */
    private readonly caPem?: string,
  ) {
    this.process = new ServerProcess(INFLUXD, ['-config', configFile], () => this.ping(), 'influxd');
  }

  /** Starts a fresh influxd in a new temp dir; with `tls`, HTTPS only, with that certificate. */
  static async start(
    options: {
      dataSettings?: Readonly<Record<string, string>>;
      tls?: { certPem: string; keyPem: string };
    } = {},
  ): Promise<InfluxServer> {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-influxd-'));
    const port = await freePort();
    const rpcPort = await freePort();
    const configFile = join(dir, 'influxdb.conf');
    const httpSettings: Record<string, string> = {};
    if (options.tls) {
      writeFileSync(join(dir, 'cert.pem'), options.tls.certPem);
      writeFileSync(join(dir, 'key.pem'), options.tls.keyPem);
      httpSettings['https-enabled'] = 'true';
      httpSettings['https-certificate'] = JSON.stringify(join(dir, 'cert.pem'));
      httpSettings['https-private-key'] = JSON.stringify(join(dir, 'key.pem'));
    }
    writeFileSync(configFile, influxConfig(dir, port, rpcPort, options.dataSettings ?? {}, httpSettings));
    const server = new InfluxServer(port, dir, configFile, options.tls?.certPem);
    await server.start();
    return server;
  }

  get url(): string {
    return `${this.caPem ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and data dir. */
  async start(): Promise<void> {
    await this.process.start(20_000);
  }

  /** Graceful stop (SIGTERM). */
  async stop(): Promise<void> {
    await this.process.stop();
  }

  /** SIGKILL, as a crash or an OOM kill would. */
  async kill(): Promise<void> {
    await this.process.kill();
  }

  /** Stops the process and removes its temp dir. */
  async destroy(): Promise<void> {
    await this.process.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    return this.process.log();
  }

  private async ping(): Promise<boolean> {
    const ca = this.caPem;
    if (ca) {
      return new Promise((resolve, reject) => {
        httpsGet(`${this.url}/ping`, { ca, timeout: 1_000 }, (res) => {
          res.resume();
          resolve(res.statusCode === 204);
        }).on('error', reject);
      });
    }
    const res = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(1_000) });
    return res.status === 204;
  }
}

function influxConfig(
  dir: string,
  port: number,
  rpcPort: number,
  dataSettings: Readonly<Record<string, string>>,
  httpSettings: Readonly<Record<string, string>> = {},
): string {
  return [
    'reporting-enabled = false',
    // The RPC service binds 127.0.0.1:8088 by default: two servers on one machine would collide.
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${join(dir, 'meta')}"`,
    '[data]',
    `  dir = "${join(dir, 'data')}"`,
    `  wal-dir = "${join(dir, 'wal')}"`,
    '  query-log-enabled = false',
    ...Object.entries(dataSettings).map(([key, value]) => `  ${key} = ${value}`),
    '[coordinator]',
    '  log-queries-after = "0s"',
    '[http]',
    `  bind-address = "127.0.0.1:${port}"`,
    '  log-enabled = false',
    ...Object.entries(httpSettings).map(([key, value]) => `  ${key} = ${value}`),
    '[continuous_queries]',
    '  log-enabled = false',
    '[logging]',
    '  level = "warn"',
    '',
  ].join('\n');
}

/**
 * Whether a test needing influxd should run. In CI (CI=true) a missing influxd is a failure, so
 * this throws; elsewhere it returns false and logs why the test skips.
 */
export function influxdAvailable(): boolean {
  if (process.env.HEADROOM_TEST_INFLUX_URL) return true;
  const probe = spawnSync(INFLUXD, ['version'], { encoding: 'utf8' });
  if (probe.status === 0) return true;
  const why = `influxd is not runnable here (${probe.error?.message ?? probe.stderr.trim()})`;
  if (process.env.CI === 'true') throw new Error(`${why}: required in CI (apt-get install -y influxdb)`);
  console.warn(`skipping InfluxDB tests: ${why}`);
  return false;
}

/**
 * An InfluxDB for a non-destructive suite: the shared CI instance (HEADROOM_TEST_INFLUX_URL) when
 * there is one, else an influxd of its own. The suite must use its own database name.
 */
export async function sharedOrOwnInflux(): Promise<{ url: string; close(): Promise<void> }> {
  const shared = process.env.HEADROOM_TEST_INFLUX_URL;
  if (shared) return { url: shared, close: async () => {} };
  const server = await InfluxServer.start();
  return { url: server.url, close: () => server.destroy() };
}
