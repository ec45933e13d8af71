import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testLogger } from '../testing/test-logger.js';
import { FileTailer, type FileTailerOptions } from './file-tailer.js';

describe('FileTailer', () => {
  let dir: string;
  let path: string;
  let lines: string[];
  let events: string[];
  const tailers: FileTailer[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'headroom-tail-'));
    path = join(dir, 'access.log');
    lines = [];
    events = [];
  });
  afterEach(async () => {
    for (const t of tailers.splice(0)) await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function tailer(options: Partial<FileTailerOptions> = {}): FileTailer {
    const t = new FileTailer({
      path,
      startAt: 'beginning',
      pollIntervalMs: 3_600_000,
      maxLineBytes: 64,
      logger: testLogger(),
      onLines: (batch) => lines.push(...batch),
      onEvent: (event) => events.push(event),
      rotateWaitMs: 0,
      ...options,
    });
    tailers.push(t);
    return t;
  }

  it('starts at the end or the beginning', async () => {
    writeFileSync(path, 'old 1\nold 2\n');
    const fromEnd = tailer({ startAt: 'end' });
    await fromEnd.start();
    appendFileSync(path, 'new 1\n');
    await fromEnd.poll();
    expect(lines).toEqual(['new 1']);
    lines = [];
    const fromStart = tailer({ startAt: 'beginning' });
    await fromStart.start();
    expect(lines).toEqual(['old 1', 'old 2', 'new 1']);
  });

  it('keeps a partial line until its newline arrives', async () => {
    const t = tailer();
    writeFileSync(path, 'first\nsec');
    await t.start();
    expect(lines).toEqual(['first']);
    appendFileSync(path, 'ond\nthi');
    await t.poll();
    appendFileSync(path, 'rd\n');
    await t.poll();
    expect(lines).toEqual(['first', 'second', 'third']);
  });

  it('skips lines longer than maxLineBytes, even across reads', async () => {
    const t = tailer();
    writeFileSync(path, `short\n${'x'.repeat(40)}`);
    await t.start();
    appendFileSync(path, `${'x'.repeat(40)}\nafter\n${'y'.repeat(100)}\nlast\n`);
    await t.poll();
    expect(lines).toEqual(['short', 'after', 'last']);
    expect(events.filter((e) => e === 'line_too_long')).toHaveLength(2);
  });

  it('follows a rename rotation: the old file to its end, then the new one', async () => {
    const t = tailer();
    writeFileSync(path, 'a\n');
    await t.start();
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, 'b (written to the old file before reopen)\n');
    await t.poll();
    writeFileSync(path, 'c\n');
    await t.poll();
    appendFileSync(path, 'd\n');
    await t.poll();
    expect(lines).toEqual(['a', 'b (written to the old file before reopen)', 'c', 'd']);
    expect(events).toContain('rotated');
  });

  it('keeps reading the rotated file for rotateWaitMs', async () => {
    const t = tailer({ rotateWaitMs: 60_000 });
    writeFileSync(path, 'a\n');
    await t.start();
    renameSync(path, `${path}.1`);
    writeFileSync(path, 'new\n');
    await t.poll();
    appendFileSync(`${path}.1`, 'late\n');
    await t.poll();
    expect(lines.sort()).toEqual(['a', 'late', 'new']);
  });

  it('follows copytruncate', async () => {
    const t = tailer();
    writeFileSync(path, 'one\ntwo\n');
    await t.start();
    truncateSync(path, 0);
    appendFileSync(path, 'three\n');
    await t.poll();
    expect(lines).toEqual(['one', 'two', 'three']);
    expect(events).toContain('truncated');
  });

  it('waits for a missing file and reads it from its start', async () => {
    const t = tailer({ startAt: 'end' });
    await t.start();
    writeFileSync(path, 'born\n');
    await t.poll();
    expect(lines).toEqual(['born']);
  });

  it('does not read while paused', async () => {
    let paused = true;
    const t = tailer({ paused: () => paused });
    writeFileSync(path, 'x\n');
    await t.start();
    expect(lines).toEqual([]);
    paused = false;
    await t.poll();
    expect(lines).toEqual(['x']);
  });

  it('resumes from a saved position of the same file', async () => {
    writeFileSync(path, 'seen\npart');
    const first = tailer({ startAt: 'beginning' });
    await first.start();
    const position = await first.stop();
    tailers.splice(tailers.indexOf(first), 1);
    appendFileSync(path, 'ial\nnew\n');
    lines = [];
    const second = tailer({ startAt: 'end', resume: position! });
    await second.start();
    expect(lines).toEqual(['partial', 'new']);
  });
});
