import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, readFile, rename, rm, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { HeadroomError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { checkFrame, decodeFrame, encodeFrame, FRAME_HEADER_BYTES, type SpoolEntry } from './spool-codec.js';

const SEGMENT = /^segment-(\d{16})\.spool$/;
const CURSOR_FILE = 'cursor.json';

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  segmentBytes: number;
  fsyncIntervalMs: number;
  logger: Logger;
}

/** A place in the spool: a segment and a byte offset in it. */
export interface SpoolPosition {
  readonly seq: number;
  readonly offset: number;
}

export interface SpooledEntry {
  readonly entry: SpoolEntry;
  /** Position just after this entry: ack() it once the entry is in the store. */
  readonly end: SpoolPosition;
}

interface Segment {
  seq: number;
  /** Bytes of whole, fsynced frames. */
  size: number;
  /** Frames in the segment after the cursor (all of them for segments after the cursor's). */
  unread: number;
}

interface Pending {
  frame: Promise<Buffer>;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * The durable write spool (DESIGN.md "Storage"): an append-only log of segment files in `dir`.
 *
 * - append() resolves only after the fsync that covers its frame; appends are group-committed,
 *   at most one fsync per `fsyncIntervalMs`, and land in call order.
 * - Bounded by `maxBytes` on disk: past it, append rejects with `spool_full` (retryable), and so
 *   does a full disk.
 * - Read in order with readBatch() + ack(); the cursor is kept in `cursor.json`, so a restart
 *   resumes after the last acknowledged entry; segments are deleted once read past.
 * - open() re-reads the segments; a frame cut short or failing its checksum (a crash during an
 *   append, which was therefore never acknowledged) is cut off with a warning.
 */
export class Spool {
  private segments: Segment[] = [];
  private cursor: SpoolPosition = { seq: 0, offset: 0 };
  private active: FileHandle | undefined;
  private pending: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastFlushMs = 0;
  private waiters: (() => void)[] = [];
  private closed = false;
  /** Frames dropped at open() because they were torn or corrupt. */
  droppedAtOpen = 0;

  private constructor(private readonly options: SpoolOptions) {}

  static async open(options: SpoolOptions): Promise<Spool> {
    mkdirSync(options.dir, { recursive: true });
    const spool = new Spool(options);
    await spool.load();
    return spool;
  }

  /** Unread entries and their bytes (appends waiting for their fsync included). */
  depth(): { bytes: number; entries: number } {
    let bytes = 0;
    let entries = this.pending.length;
    for (const s of this.segments) {
      bytes += s.seq === this.cursor.seq ? s.size - this.cursor.offset : s.size;
      entries += s.unread;
    }
    return { bytes, entries };
  }

  /** Bytes the segment files take on disk (what maxBytes bounds). */
  diskBytes(): number {
    return this.segments.reduce((n, s) => n + s.size, 0);
  }

  isEmpty(): boolean {
    return this.depth().entries === 0;
  }

  append(entry: SpoolEntry): Promise<void> {
    if (this.closed)
      return Promise.reject(new HeadroomError('spool_closed', 'spool is closed', { retryable: true }));
    if (this.diskBytes() >= this.options.maxBytes) return Promise.reject(this.fullError());
    return new Promise<void>((resolve, reject) => {
      // The slot is taken now, so frames land in call order even though encoding is async.
      this.pending.push({ frame: encodeFrame(entry), resolve, reject });
      this.scheduleFlush();
    });
  }

  /** Entries after the cursor, up to about `maxBytes` (at least one when there is one). */
  async readBatch(maxBytes: number): Promise<SpooledEntry[]> {
    const segment = this.segments.find((s) => s.seq >= this.cursor.seq && s.size > this.startOf(s));
    if (!segment) return [];
    const start = this.startOf(segment);
    const handle = await open(this.path(segment.seq), 'r');
    try {
      let length = Math.min(segment.size - start, Math.max(maxBytes, FRAME_HEADER_BYTES));
      let buf = await readAt(handle, start, length);
      const first = checkFrame(buf, 0);
      if (first.kind === 'incomplete' && buf.length >= FRAME_HEADER_BYTES) {
        length = FRAME_HEADER_BYTES + buf.readUInt32LE(0);
        buf = await readAt(handle, start, length);
      }
      const out: SpooledEntry[] = [];
      let at = 0;
      for (;;) {
        const check = checkFrame(buf, at);
        if (check.kind !== 'frame') break;
        out.push({
          entry: decodeFrame(buf, at, check.bytes),
          end: { seq: segment.seq, offset: start + at + check.bytes },
        });
        at += check.bytes;
      }
      return out;
    } finally {
      await handle.close();
    }
  }

  /** Marks everything up to `end` (from readBatch) as stored: `entries` frames. */
  async ack(end: SpoolPosition, entries: number): Promise<void> {
    const segment = this.segments.find((s) => s.seq === end.seq);
    if (!segment) return;
    for (const s of this.segments) if (s.seq < end.seq) s.unread = 0;
    segment.unread = Math.max(0, segment.unread - entries);
    this.cursor = end;
    const done = this.segments.filter((s) => s.seq < end.seq);
    this.segments = this.segments.filter((s) => s.seq >= end.seq);
    for (const s of done) await rm(this.path(s.seq), { force: true });
    if (
      this.pending.length === 0 &&
      !this.flushing &&
      this.segments.every((s) => s.unread === 0 && s.size === this.startOf(s))
    ) {
      await this.reset();
      return;
    }
    await writeFile(join(this.options.dir, `${CURSOR_FILE}.tmp`), JSON.stringify(this.cursor));
    await rename(join(this.options.dir, `${CURSOR_FILE}.tmp`), join(this.options.dir, CURSOR_FILE));
  }

  /** Resolves when more entries are readable (or the spool closes). */
  waitForData(): Promise<void> {
    if (this.closed || this.segments.some((s) => s.size > this.startOf(s))) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Flushes pending appends (fsynced) and closes the files; later appends are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing || this.pending.length > 0) await (this.flushing ?? this.flush());
    this.closed = true;
    await this.active?.close();
    this.active = undefined;
    this.wake();
  }

  private startOf(s: Segment): number {
    return s.seq === this.cursor.seq ? this.cursor.offset : 0;
  }

  private path(seq: number): string {
    return join(this.options.dir, `segment-${String(seq).padStart(16, '0')}.spool`);
  }

  private fullError(): HeadroomError {
    return new HeadroomError(
      'spool_full',
      `write spool is full (${this.diskBytes()} of ${this.options.maxBytes} bytes in ${this.options.dir}); write refused`,
      { retryable: true },
    );
  }

  private scheduleFlush(): void {
    if (this.flushing || this.timer) return;
    const delay = Math.max(0, this.lastFlushMs + this.options.fsyncIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
  }

  private flush(): Promise<void> {
    const run = this.writePending().finally(() => {
      this.flushing = undefined;
      if (this.pending.length > 0 && !this.closed) this.scheduleFlush();
    });
    this.flushing = run;
    return run;
  }

  private async writePending(): Promise<void> {
    this.lastFlushMs = Date.now();
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    const accepted: { frame: Buffer; p: Pending }[] = [];
    let bytes = 0;
    for (const p of batch) {
      try {
        const frame = await p.frame;
        if (this.diskBytes() + bytes + frame.length > this.options.maxBytes) p.reject(this.fullError());
        else {
          accepted.push({ frame, p });
          bytes += frame.length;
        }
      } catch (err) {
        p.reject(
          new HeadroomError('spool_encode_failed', `cannot encode a spool entry: ${String(err)}`, {
            cause: err,
          }),
        );
      }
    }
    // Fill segments up to segmentBytes (at least one frame each), fsync each, then acknowledge.
    let next = 0;
    while (next < accepted.length) {
      let segment: Segment | undefined;
      const chunk: { frame: Buffer; p: Pending }[] = [];
      try {
        segment = await this.activeSegment();
        let size = segment.size;
        while (next < accepted.length) {
          const a = accepted[next] as { frame: Buffer; p: Pending };
          if (chunk.length > 0 && size + a.frame.length > this.options.segmentBytes) break;
          chunk.push(a);
          size += a.frame.length;
          next++;
        }
        const handle = this.active as FileHandle;
        await handle.writev(
          chunk.map((a) => a.frame),
          segment.size,
        );
        await handle.datasync();
      } catch (err) {
        if (segment) await truncate(this.path(segment.seq), segment.size).catch(() => undefined);
        const code = (err as NodeJS.ErrnoException).code;
        const failure =
          code === 'ENOSPC' || code === 'EDQUOT'
            ? new HeadroomError('spool_full', `disk full under ${this.options.dir}; write refused`, {
                retryable: true,
                cause: err,
              })
            : new HeadroomError(
                'spool_io_error',
                `cannot write the spool in ${this.options.dir}: ${String(err)}`,
                {
                  retryable: true,
                  cause: err,
                },
              );
        for (const a of [...chunk, ...accepted.slice(next)]) a.p.reject(failure);
        return;
      }
      for (const a of chunk) segment.size += a.frame.length;
      segment.unread += chunk.length;
      for (const a of chunk) a.p.resolve();
      this.wake();
    }
  }

  /** The segment appends go to: the last one, or a new one when it is full or there is none. */
  private async activeSegment(): Promise<Segment> {
    const last = this.segments[this.segments.length - 1];
    if (last && this.active && last.size < this.options.segmentBytes) return last;
    await this.active?.close();
    this.active = undefined;
    if (last && last.size < this.options.segmentBytes) {
      this.active = await open(this.path(last.seq), 'r+');
      return last;
    }
    const seq = (last?.seq ?? this.cursor.seq) + 1;
    this.active = await open(this.path(seq), 'wx');
    await syncDir(this.options.dir);
    const segment: Segment = { seq, size: 0, unread: 0 };
    this.segments.push(segment);
    return segment;
  }

  private wake(): void {
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w();
  }

  /** Spool drained: remove every file, so an idle spool is an empty directory. */
  private async reset(): Promise<void> {
    // Forget the files first, in this tick: an append arriving meanwhile starts a new segment.
    const active = this.active;
    const old = this.segments.map((s) => s.seq);
    this.active = undefined;
    this.segments = [];
    this.cursor = { seq: old[old.length - 1] ?? this.cursor.seq, offset: 0 };
    await active?.close();
    for (const seq of old) await rm(this.path(seq), { force: true });
    if (this.segments.length === 0) await rm(join(this.options.dir, CURSOR_FILE), { force: true });
  }

  private async load(): Promise<void> {
    const { dir, logger } = this.options;
    const seqs = readdirSync(dir)
      .map((f) => SEGMENT.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const saved = await readFile(join(dir, CURSOR_FILE), 'utf8').then(
      (text) => JSON.parse(text) as SpoolPosition,
      () => undefined,
    );
    const first = seqs[0];
    this.cursor = saved && first !== undefined && saved.seq >= first ? saved : { seq: first ?? 0, offset: 0 };
    for (const seq of seqs) {
      if (seq < this.cursor.seq) {
        rmSync(this.path(seq), { force: true });
        continue;
      }
      const buf = await readFile(this.path(seq));
      let at = 0;
      let frames = 0;
      let problem: string | undefined;
      for (;;) {
        const check = checkFrame(buf, at);
        if (check.kind === 'frame') {
          if (at >= this.startOf({ seq, size: 0, unread: 0 })) frames++;
          at += check.bytes;
          continue;
        }
        if (at < buf.length) problem = check.kind === 'corrupt' ? check.why : 'frame cut short';
        break;
      }
      if (problem) {
        // Never acknowledged (its append did not return), so dropping it loses nothing promised.
        logger.warn(
          { segment: this.path(seq), offset: at, droppedBytes: buf.length - at, problem },
          'dropping torn spool tail',
        );
        this.droppedAtOpen++;
        await truncate(this.path(seq), at);
      }
      this.segments.push({ seq, size: at, unread: frames });
    }
    const depth = this.depth();
    if (depth.entries > 0)
      logger.info({ dir, ...depth }, 'spool holds writes from before the restart; they will be replayed');
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** fsync a directory, so a newly created segment file survives a power cut. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
