import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../../test/helpers/fake-slack.js';
import { repoRoot } from '../../test/helpers/shared-dir.js';

const CHILD = join(repoRoot(), 'alerts', 'testing', 'outbox-child.ts');
let slack: FakeSlack;
let dir: string;

beforeAll(async () => {
  slack = await FakeSlack.start();
  dir = mkdtempSync(join(tmpdir(), 'headroom-crash-'));
});
afterAll(async () => {
  await slack.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startChild(enqueue: boolean): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: repoRoot(),
    env: {
      ...process.env,
      OUTBOX_PATH: join(dir, 'outbox.sqlite'),
      SLACK_WEBHOOK_URL: slack.webhookUrl,
      COUNT: '5',
      ENQUEUE: enqueue ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, output: () => output, exited };
}

async function until(
  what: string,
  condition: () => boolean,
  child: Child,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; child said: ${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('outbox across kill -9', () => {
  it('delivers everything after a restart, duplicating at most the message in flight', async () => {
    // Slack takes the first message but never answers: the daemon dies with it in flight and
    // four more queued behind it.
    slack.fail({ kind: 'hang' }, 1);
    const first = startChild(true);
    await until(
      'the first message to reach Slack',
      () => first.output().includes('queued 5') && slack.accepted.length === 1,
      first,
    );
    first.process.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(slack.accepted.map((r) => r.notificationId)).toEqual(['child-0']);

    slack.recover();
    const second = startChild(false);
    await until('the restarted outbox to drain', () => second.output().includes('drained'), second, 30_000);
    expect(await second.exited).toEqual({ code: 0, signal: null });

    const ids = slack.accepted.map((r) => r.notificationId);
    // At least once: every message arrived; the one in flight at the kill arrived twice; no other duplicate.
    expect(ids).toEqual(['child-0', 'child-0', 'child-1', 'child-2', 'child-3', 'child-4']);
    expect(second.output()).not.toContain(new URL(slack.webhookUrl).pathname);
  }, 60_000);
});
