import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { freePort } from '../helpers/free-port.js';
import { repoRoot } from '../helpers/shared-dir.js';
import { cliEnv } from '../helpers/cli-env.js';

const run = promisify(execFile);

async function headroom(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(repoRoot(), 'bin', 'headroom.js'), ...args],
      {
        env: cliEnv(env),
        timeout: 60_000,
      },
    );
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'headroom-e2e-')), name);
  writeFileSync(path, text);
  return path;
}

let daemon: DaemonProcess | undefined;
afterEach(async () => {
  await daemon?.kill();
  daemon = undefined;
});

describe('headroom start', () => {
  it('runs on the embedded store with an empty config, answers health and status, stops cleanly', async () => {
    daemon = await DaemonProcess.start({ config: {} });
    expect(await (await fetch(`${daemon.apiUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    const status = (await (await fetch(`${daemon.apiUrl}/api/v1/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ version: expect.any(String), store: { kind: 'embedded', state: 'ok' } });
    const ready = await fetch(`${daemon.apiUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await (await fetch(`${daemon.apiUrl}/metrics`)).text()).toMatch(/headroom_spool_depth_bytes/);
    expect(await daemon.stop()).toBe(0);
    expect(daemon.log()).toMatch(/"msg":"stopped"/);
  });

  it('exits 2 with every config problem named, and no stack trace', async () => {
    const path = tempFile('bad.yaml', 'api:\n  port: eighty\n  hots: x\nstore:\n  influx:\n    url: nope\n');
    const { code, out } = await headroom(['start', '--config', path]);
    expect(code).toBe(2);
    expect(out).toContain('api.port: expected number');
    expect(out).toContain('api.hots: unknown key');
    expect(out).toContain('store.influx.url');
    expect(out).not.toMatch(/\n\s+at /);
    const envError = await headroom(['start'], { HEADROOM_API__PORT: 'x', HEADROOM_CONFIG: '' });
    expect(envError.code).toBe(2);
  });

  it('fails to start against an unreachable InfluxDB, naming the URL without its password', async () => {
    const port = await freePort();
    const path = tempFile(
      'unreachable.yaml',
      `dataDir: ${tmpdir()}/headroom-unreachable-${port}\nstore:\n  influx:\n    url: http://user:s3cretpw@127.0.0.1:${port}/\n`,
    );
    const { code, out } = await headroom(['start', '--config', path]);
    expect(code).toBe(1);
    expect(out).toContain(`http://127.0.0.1:${port}`);
    expect(out).not.toContain('s3cretpw');
  });

  it('prints usage errors with exit 2', async () => {
    expect((await headroom(['frobnicate'])).code).toBe(2);
    const help = await headroom(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/start/);
  });
});
