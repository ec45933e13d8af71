import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './free-port.js';
import { repoRoot } from './shared-dir.js';
import { cliEnv } from './cli-env.js';

export interface DaemonOptions {
  /** Config object written as YAML; `api.port` and `dataDir` are filled in when absent. */
  config?: Record<string, unknown>;
  /** Reuse a data dir (restart tests). */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The real daemon (`node bin/headroom.js start --config FILE`) as a child process, for
 * end-to-end tests: started on a free port, ready when /healthz answers, stopped with SIGTERM or
 * killed with SIGKILL like a crash.
 */
export class DaemonProcess {
  private child: ChildProcess | undefined;
  private output = '';
  private exitCode: Promise<number | null> | undefined;

  private constructor(
    readonly apiUrl: string,
    /** Base URL of the daemon's OTLP/HTTP receiver. */
    readonly otlpUrl: string,
    readonly dataDir: string,
    readonly configPath: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start(options: DaemonOptions = {}): Promise<DaemonProcess> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'headroom-daemon-'));
    const port = await freePort();
    const config: Record<string, unknown> = { dataDir, ...options.config };
    const api = { host: '127.0.0.1', port, ...(config.api as object | undefined) };
    config.api = api;
    config.log ??= { level: 'info', format: 'json' };
    // Never the default OTLP port: tests run in parallel.
    const collectors = (config.collectors ?? {}) as Record<string, unknown>;
    collectors.otlp = { port: await freePort(), ...(collectors.otlp as object | undefined) };
    config.collectors = collectors;
    const configPath = join(dataDir, `headroom-${port}.yaml`);
    writeFileSync(configPath, stringify(config));
    const otlpPort = (collectors.otlp as { port: number }).port;
    const daemon = new DaemonProcess(
      `http://127.0.0.1:${api.port}`,
      `http://127.0.0.1:${otlpPort}`,
      dataDir,
      configPath,
      cliEnv(options.env),
    );
    await daemon.spawn();
    return daemon;
  }

  /** Starts the process again with the same config and data dir (after stop or kill). */
  async restart(): Promise<void> {
    await this.spawn();
  }

  private async spawn(timeoutMs = 30_000): Promise<void> {
    const child = spawn(
      process.execPath,
      [join(repoRoot(), 'bin', 'headroom.js'), 'start', '--config', this.configPath],
      {
        cwd: repoRoot(),
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    // 'close', not 'exit': the daemon's last log lines are read by then.
    this.exitCode = new Promise((resolve) => child.once('close', (code) => resolve(code)));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      const ok = await fetch(`${this.apiUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.kill();
    throw new Error(`daemon did not become healthy:\n${this.output}`);
  }

  /** SIGTERM and wait; resolves with the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    child.kill('SIGTERM');
    return this.exitCode!;
  }

  /** SIGKILL (a crash) and wait. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await this.exitCode;
  }

  /** The running daemon's process id (benchmarks read its CPU time). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Everything the daemon printed so far (last 20 KB). */
  log(): string {
    return this.output;
  }
}
