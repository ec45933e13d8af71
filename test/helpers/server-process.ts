import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A real server binary (nginx, redis-server, influxd) run by a test: started in the foreground so
 * the test owns the process, waited for until `ready()` answers, stopped by PID.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly binary: string,
    private readonly args: readonly string[],
    private readonly ready: () => Promise<boolean>,
    private readonly label = binary,
  ) {}

  /** True when the binary exists on this machine. */
  static available(binary: string): boolean {
    return existsSync(binary);
  }

  async start(timeoutMs = 10_000): Promise<void> {
    const child = spawn(this.binary, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      if (await this.ready().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    const exited = child.exitCode !== null;
    await this.stop();
    throw new Error(`${this.label} did not become ready${exited ? ' (exited)' : ''}: ${this.output.trim()}`);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends a signal (e.g. SIGHUP to reload) without waiting. */
  signal(sig: NodeJS.Signals): void {
    this.child?.kill(sig);
  }

  /** Stops gracefully (SIGTERM, then SIGKILL after `graceMs`); idempotent. */
  async stop(graceMs = 5_000): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Kills at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** The last few KB of the server's stdout/stderr, for failure messages. */
  log(): string {
    return this.output;
  }
}

/**
 * Whether a test needing `binary` should run: in CI (CI=true) a missing server is a failure, so
 * this throws; elsewhere it returns false and the test skips with a message.
 */
export function requireServer(binary: string, what: string): boolean {
  if (ServerProcess.available(binary)) return true;
  if (process.env.CI === 'true') throw new Error(`${what} (${binary}) is required in CI but not installed`);
  console.warn(`skipping: ${what} (${binary}) is not installed`);
  return false;
}
