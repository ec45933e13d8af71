import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { HeadroomError } from '../../core/errors.js';
import type { RollupPoint } from '../../core/rollup.js';
import { Spool } from './spool.js';
import type { SpoolEntry } from './spool-codec.js';

const root = mkdtempSync(join(tmpdir(), 'headroom-spool-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function warnings(): { logger: pino.Logger; messages: string[] } {
  const messages: string[] = [];
  const logger = pino(
    { level: 'warn' },
    { write: (line: string) => messages.push(JSON.parse(line).msg as string) },
  );
  return { logger, messages };
}

function options(
  overrides: Partial<Parameters<typeof Spool.open>[0]> = {},
): Parameters<typeof Spool.open>[0] {
  return {
    dir: join(root, `spool-${n++}`),
    maxBytes: 64 * 1024 * 1024,
    segmentBytes: 1024 * 1024,
    fsyncIntervalMs: 1,
    logger: pino({ level: 'silent' }),
    ...overrides,
  };
}

function entry(i: number, points = 3): SpoolEntry {
  const p: RollupPoint[] = [];
  for (let k = 0; k < points; k++) {
    p.push({
      measurement: 'api_calls',
      timeMs: 1_700_000_000_000 + i * 10_000,
      tags: { service: `s${k}`, collector: 'c1', endpoint: `/é ${i}` },
      count: i,
      errors: 0,
      durationSumMs: i * 1.5,
      durationMaxMs: k,
      histogram: { [k]: i },
    });
  }
  return { type: 'points', points: p };
}

const idOf = (e: SpoolEntry): number => (e.type === 'points' ? (e.points[0]?.count ?? -1) : -1);

async function drain(spool: Spool, maxBytes = 1_000): Promise<number[]> {
  const seen: number[] = [];
  for (;;) {
    const batch = await spool.readBatch(maxBytes);
    if (batch.length === 0) return seen;
    seen.push(...batch.map((b) => idOf(b.entry)));
    const last = batch[batch.length - 1];
    if (last) await spool.ack(last.end, batch.length);
  }
}

describe('Spool', () => {
  it('keeps the call order of appends made without waiting, across segments', async () => {
    const spool = await Spool.open(options({ segmentBytes: 4096 }));
    await Promise.all(Array.from({ length: 200 }, (_, i) => spool.append(entry(i, 20))));
    expect(spool.depth().entries).toBe(200);
    const dir = spool['options'].dir;
    expect(readdirSync(dir).filter((f) => f.endsWith('.spool')).length).toBeGreaterThan(1);
    expect(await drain(spool)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(spool.depth()).toEqual({ bytes: 0, entries: 0 });
    // Drained: replayed segments and the cursor are gone.
    expect(readdirSync(dir)).toEqual([]);
    await spool.close();
  });

  it('has the frame on disk when append resolves', async () => {
    const spool = await Spool.open(options());
    await spool.append(entry(1));
    const dir = spool['options'].dir;
    const [file] = readdirSync(dir);
    expect(statSync(join(dir, file as string)).size).toBe(spool.diskBytes());
    expect(spool.diskBytes()).toBeGreaterThan(9);
    await spool.close();
  });

  it('resumes after the last acknowledged entry when reopened, replaying each entry once', async () => {
    const opts = options({ segmentBytes: 2048 });
    const first = await Spool.open(opts);
    for (let i = 0; i < 30; i++) await first.append(entry(i));
    const batch = await first.readBatch(1_500);
    const last = batch[batch.length - 1];
    if (last) await first.ack(last.end, batch.length);
    const acked = batch.map((b) => idOf(b.entry));
    expect(acked.length).toBeGreaterThan(0);
    await first.close();

    const second = await Spool.open(opts);
    expect(second.depth().entries).toBe(30 - acked.length);
    const rest = await drain(second);
    expect([...acked, ...rest]).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await second.append(entry(99));
    expect(await drain(second)).toEqual([99]);
    await second.close();
  });

  it.each([
    ['cut short', (file: string) => truncateSync(file, statSync(file).size - 7)],
    [
      'with a bad checksum',
      (file: string) => appendFileSync(file, Buffer.from([5, 0, 0, 0, 1, 2, 3, 4, 1, 9, 9, 9, 9, 9])),
    ],
    ['with a header only', (file: string) => appendFileSync(file, Buffer.from([200, 0, 0]))],
  ])('drops a torn last entry (%s) with a warning', async (_name, tear) => {
    const { logger, messages } = warnings();
    const opts = options({ logger });
    const first = await Spool.open(opts);
    for (let i = 0; i < 3; i++) await first.append(entry(i));
    await first.close();
    const file = join(opts.dir, readdirSync(opts.dir)[0] as string);
    const before = readFileSync(file).length;
    tear(file);

    const second = await Spool.open(opts);
    expect(messages).toContain('dropping torn spool tail');
    expect(second.droppedAtOpen).toBe(1);
    const expected = statSync(file).size < before ? [0, 1] : [0, 1, 2];
    await second.append(entry(7));
    expect(await drain(second)).toEqual([...expected, 7]);
    await second.close();
  });

  it('refuses appends past maxBytes with spool_full (retryable) and takes them again once drained', async () => {
    const spool = await Spool.open(options({ maxBytes: 4096 }));
    const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => spool.append(entry(i, 5))));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    const err = (refused[0] as PromiseRejectedResult).reason as HeadroomError;
    expect(err).toBeInstanceOf(HeadroomError);
    expect(err.code).toBe('spool_full');
    expect(err.retryable).toBe(true);
    expect(spool.diskBytes()).toBeLessThanOrEqual(4096);
    const kept = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(await drain(spool)).toEqual(kept);
    await spool.append(entry(1_000));
    expect(await drain(spool)).toEqual([1_000]);
    await spool.close();
  });

  it('refuses appends after close', async () => {
    const spool = await Spool.open(options());
    await spool.close();
    await expect(spool.append(entry(1))).rejects.toMatchObject({ code: 'spool_closed' });
  });
});
