import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HeadroomError } from '../../core/errors.js';
import { FLEET_READY, startLine } from './run-fleet.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'headroom.js');

/** The simulated fleet as a child process (`headroom demo-fleet`, see run-fleet.ts). */
export class FleetProcess {
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(options: {
    anchorMs: number;
    speed: number;
    otlpTracesUrl: string;
  }): Promise<FleetProcess> {
    const env: NodeJS.ProcessEnv = {};
    // HEADROOM_* configure a daemon; the fleet is not one (and main.ts would reject unknown ones).
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HEADROOM_')) env[k] = v;
    const child = spawn(
      process.execPath,
      [
        BIN,
        'demo-fleet',
        '--anchor-ms',
        String(options.anchorMs),
        '--speed',
        String(options.speed),
        '--otlp-traces-url',
        options.otlpTracesUrl,
      ],
      { env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const fleet = new FleetProcess(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-4_000)));
    const ready = await new Promise<boolean>((resolve) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString('utf8');
        if (out.includes(FLEET_READY)) resolve(true);
      });
      child.once('exit', () => resolve(false));
      setTimeout(() => resolve(false), 60_000).unref();
    });
    if (!ready) {
      await fleet.stop();
      throw new HeadroomError(
        'demo_fleet_failed',
        `the demo fleet did not start: ${stderr.trim() || 'no output'}`,
      );
    }
    return fleet;
  }

  /** The fleet exports spans and runs the incident timeline from `startMs` on. */
  begin(startMs: number): void {
    this.child.stdin!.write(startLine(startMs));
  }

  /** Asks the fleet to stop (it flushes its spans) and waits; kills it after 15 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}
