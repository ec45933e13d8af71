import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { targetError } from '../target-error.js';
import type { NginxSettings } from './config.js';

/**
 * Talks to the nginx binary and master process: `nginx -t`, reload (command or SIGHUP), and the
 * check that a reload took: the master starts new workers only when it accepted the new
 * configuration, so "a child pid that was not there before" is the proof. `nginx -t` alone
 * misses runtime conflicts (e.g. a zone whose key changed), which the master refuses at reload
 * while the command still exits 0.
 */
export class NginxProcess {
  constructor(private readonly settings: NginxSettings) {}

  private baseArgs(): string[] {
    const args: string[] = [];
    if (this.settings.prefix) args.push('-p', this.settings.prefix);
    if (this.settings.configFile) args.push('-c', this.settings.configFile);
    return args;
  }

  /** `nginx -t`; rejects non-retryably with nginx's own complaint. */
  async test(signal: AbortSignal): Promise<void> {
    const result = await this.run([...this.baseArgs(), '-t'], signal);
    if (result.code !== 0) {
      throw targetError(
        'nginx_invalid',
        `nginx -t rejected the configuration: ${emergLines(result.output)}`,
        {
          retryable: false,
        },
      );
    }
  }

  /** The master's child pids now (workers, cache manager), or undefined when unknown. */
  async children(): Promise<Set<number> | undefined> {
    const pid = await this.masterPid();
    if (pid === undefined) return undefined;
    try {
      const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
      return new Set(text.split(/\s+/).filter(Boolean).map(Number));
    } catch {
      return this.childrenByScan(pid);
    }
  }

  /** Reloads and, when possible, waits until new workers prove the master took the config. */
  async reload(signal: AbortSignal): Promise<void> {
    const verify = this.settings.verifyReloadMs > 0 && this.settings.pidFile !== undefined;
    const before = verify ? await this.children() : undefined;
    if (this.settings.reload === 'signal') {
      const pid = await this.masterPid();
      if (pid === undefined) {
        throw targetError('nginx_down', `nginx is not running (no pid in ${this.settings.pidFile})`, {
          retryable: true,
        });
      }
      try {
        process.kill(pid, 'SIGHUP');
      } catch (err) {
        throw targetError('nginx_down', `cannot signal the nginx master (pid ${pid})`, {
          retryable: true,
          cause: err,
        });
      }
    } else {
      const result = await this.run([...this.baseArgs(), '-s', 'reload'], signal);
      if (result.code !== 0) {
        // "kill(...) failed (3: No such process)" / "open() ... nginx.pid failed": nginx is down.
        throw targetError('nginx_reload_failed', `nginx -s reload failed: ${emergLines(result.output)}`, {
          retryable: true,
        });
      }
    }
    if (!before) return;
    const deadline = Date.now() + this.settings.verifyReloadMs;
    while (Date.now() < deadline) {
      const now = await this.children();
      if (now && [...now].some((pid) => !before.has(pid))) {
        // The master starts the new workers ~100 ms before it tells the old ones to quit; until
        // then old workers still accept connections with the old configuration. Wait (within
        // the same deadline, without failing) for them to go, so that traffic after apply()
        // resolves meets the new configuration. Workers busy with long requests may linger.
        while (Date.now() < deadline) {
          const left = await this.children();
          if (!left || ![...left].some((pid) => before.has(pid))) return;
          await sleep(10, undefined, { signal });
        }
        return;
      }
      await sleep(25, undefined, { signal });
    }
    throw targetError(
      'nginx_reload_refused',
      `nginx did not start new workers within ${this.settings.verifyReloadMs} ms of the reload: the master ` +
        'refused the new configuration (see its error log)',
      { retryable: false },
    );
  }

  private async masterPid(): Promise<number | undefined> {
    if (!this.settings.pidFile) return undefined;
    try {
      const pid = Number((await readFile(this.settings.pidFile, 'utf8')).trim());
      if (!Number.isInteger(pid) || pid <= 0) return undefined;
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  private async childrenByScan(parent: number): Promise<Set<number>> {
    const out = new Set<number>();
    for (const entry of await readdir('/proc').catch(() => [] as string[])) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
      // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.add(Number(entry));
    }
    return out;
  }

  private run(args: string[], signal: AbortSignal): Promise<{ code: number; output: string }> {
    return new Promise((resolve, reject) => {
      execFile(this.settings.binary, args, { signal, timeout: 60_000 }, (err, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (!err) return resolve({ code: 0, output });
        const e = err as NodeJS.ErrnoException & { code?: unknown };
        if (e.name === 'AbortError')
          return reject(targetError('aborted', 'nginx command aborted', { retryable: true }));
        if (typeof e.code === 'number') return resolve({ code: e.code, output });
        if (e.code === 'ENOENT') {
          return reject(
            targetError('nginx_missing', `nginx binary not found: ${this.settings.binary}`, {
              retryable: false,
            }),
          );
        }
        reject(
          targetError('nginx_exec_failed', `cannot run ${this.settings.binary}`, {
            retryable: true,
            cause: err,
          }),
        );
      });
    });
  }
}

/** The lines nginx prefixes with [emerg]/[alert]/[crit] (else the whole output), on one line. */
function emergLines(output: string): string {
  const lines = output.split('\n').filter((l) => /\[(emerg|alert|crit|error)\]/.test(l));
  return (lines.length > 0 ? lines : output.split('\n'))
    .map((l) => l.replace(/^nginx: /, '').trim())
    .filter(Boolean)
    .join('; ')
    .slice(0, 1_000);
}
