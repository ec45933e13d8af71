import { open, stat, type FileHandle } from 'node:fs/promises';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';

/** Where reading a file stands: enough to resume after a restart. */
export interface TailPosition {
  /** Inode of the file being read. */
  ino: number;
  /** Byte offset of the first unread line. */
  offset: number;
}

export interface FileTailerOptions {
  path: string;
  startAt: 'end' | 'beginning';
  pollIntervalMs: number;
  maxLineBytes: number;
  logger: Logger;
  /** Complete lines, in order (without the newline). */
  onLines: (lines: string[]) => void;
  /** While true, nothing is read (the lines wait in the file: backpressure). */
  paused?: () => boolean;
  /** Counted events: lines too long to keep, truncations and rotations seen. */
  onEvent?: (event: 'line_too_long' | 'truncated' | 'rotated') => void;
  /** Resume here when the file at `path` is still this inode and at least this long. */
  resume?: TailPosition;
  /** After a rename rotation, the old file is still read this long (late writes before reopen). */
  rotateWaitMs?: number;
}

/** An open file and how far it has been read. */
interface Reading {
  handle: FileHandle;
  ino: number;
  offset: number;
  carry: Buffer;
  skipping: boolean;
}

/** Bytes read per poll at most, so one poll never holds the event loop for long. */
const MAX_READ_PER_POLL = 4 * 1024 * 1024;
const CHUNK = 256 * 1024;

/**
 * Follows a growing log file by polling (portable, and immune to the missed events of fs.watch):
 * - partial lines wait for their newline; lines over `maxLineBytes` are skipped and counted;
 * - rotation by rename (logrotate's default, then `nginx -s reopen`): when `path` names another
 *   inode, the old file is read to its end, then the new one from its start;
 * - rotation by copytruncate: a file shorter than the offset is read again from its start;
 * - a missing file is waited for; one that appears later is read from its start.
 * The first open honours `startAt` (or `resume`). `stop()` reads what is complete and returns
 * the position to resume from.
 */
export class FileTailer {
  private current: Reading | undefined;
  /** The file renamed away by rotation, drained until `rotatedUntilMs`. */
  private rotated: Reading | undefined;
  private rotatedUntilMs = 0;
  private firstOpen = true;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  private lastError = '';

  constructor(private readonly options: FileTailerOptions) {}

  async start(): Promise<void> {
    // A file that does not exist yet is new data when it appears: read it from its start.
    if (!(await stat(this.options.path).catch(() => undefined))) this.firstOpen = false;
    await this.poll();
    this.schedule();
  }

  /** One polling round (tests call it directly). */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  /** Reads what is complete, closes the files, and returns where to resume. */
  async stop(): Promise<TailPosition | undefined> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
    await this.pollOnce();
    const current = this.current;
    const position = current
      ? { ino: current.ino, offset: current.offset - current.carry.length }
      : undefined;
    await current?.handle.close();
    await this.rotated?.handle.close();
    this.current = undefined;
    this.rotated = undefined;
    return position;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.poll().finally(() => this.schedule());
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }

  private async pollOnce(): Promise<void> {
    if (this.options.paused?.()) return;
    try {
      let budget = MAX_READ_PER_POLL;
      if (this.rotated) {
        budget -= await this.readAvailable(this.rotated, budget);
        if (Date.now() >= this.rotatedUntilMs) {
          await this.rotated.handle.close();
          this.rotated = undefined;
        }
      }
      const onDisk = await stat(this.options.path).catch(() => undefined);
      if (this.current && onDisk && onDisk.ino !== this.current.ino) {
        // Renamed away and replaced (logrotate, then nginx -s reopen): drain the old file a while.
        this.options.onEvent?.('rotated');
        budget -= await this.readAvailable(this.current, budget);
        await this.rotated?.handle.close();
        this.rotated = this.current;
        this.rotatedUntilMs = Date.now() + (this.options.rotateWaitMs ?? 5_000);
        this.current = undefined;
      }
      if (!this.current && onDisk) this.current = await this.openCurrent(onDisk.ino, onDisk.size);
      if (this.current) await this.readAvailable(this.current, budget);
      this.lastError = '';
    } catch (err) {
      const message = errorMessage(err);
      if (message !== this.lastError)
        this.options.logger.warn({ path: this.options.path, err: message }, 'cannot read log');
      this.lastError = message;
    }
  }

  private async openCurrent(ino: number, size: number): Promise<Reading> {
    const handle = await open(this.options.path, 'r');
    const actualIno = (await handle.stat()).ino;
    let offset = 0;
    if (this.firstOpen) {
      const resume = this.options.resume;
      if (resume && resume.ino === ino && resume.offset <= size) offset = resume.offset;
      else if (this.options.startAt === 'end') offset = size;
    }
    this.firstOpen = false;
    return { handle, ino: actualIno, offset, carry: Buffer.alloc(0), skipping: false };
  }

  /** Reads complete lines from the offset to the end of the file; returns bytes read. */
  private async readAvailable(reading: Reading, budget: number): Promise<number> {
    const size = (await reading.handle.stat()).size;
    if (size < reading.offset) {
      // copytruncate: the file was emptied under us; what it holds now is new.
      this.options.onEvent?.('truncated');
      reading.offset = 0;
      reading.carry = Buffer.alloc(0);
      reading.skipping = false;
    }
    let read = 0;
    while (read < budget && reading.offset < size) {
      const length = Math.min(CHUNK, size - reading.offset);
      const { bytesRead } = await reading.handle.read(this.buffer, 0, length, reading.offset);
      if (bytesRead === 0) break;
      reading.offset += bytesRead;
      read += bytesRead;
      this.split(reading, this.buffer.subarray(0, bytesRead));
    }
    return read;
  }

  private split(reading: Reading, chunk: Buffer): void {
    const max = this.options.maxLineBytes;
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      if (reading.skipping) reading.skipping = false;
      else if (reading.carry.length + piece.length > max) this.options.onEvent?.('line_too_long');
      else {
        const line = reading.carry.length > 0 ? Buffer.concat([reading.carry, piece]) : piece;
        if (line.length > 0) lines.push(line.toString('utf8'));
      }
      reading.carry = Buffer.alloc(0);
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (!reading.skipping && rest.length > 0) {
      if (reading.carry.length + rest.length > max) {
        this.options.onEvent?.('line_too_long');
        reading.skipping = true;
        reading.carry = Buffer.alloc(0);
      } else {
        // Copy: `chunk` is the shared read buffer.
        reading.carry = Buffer.concat([reading.carry, rest]);
      }
    }
    if (lines.length > 0) this.options.onLines(lines);
  }
}
