import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { HeadroomError } from '../../core/errors.js';
import type { Line } from './line-protocol.js';

const gzip = promisify(gzipCallback);

export interface InfluxWriterOptions {
  /** Server origin without credentials (also what error messages name). */
  origin: string;
  database: string;
  retentionPolicy: string;
  /** `Basic …` header value, when credentials are configured. */
  authorization?: string;
  ca?: Buffer;
  batchSize: number;
  flushIntervalMs: number;
  concurrency: number;
  compression: 'gzip' | 'none';
  timeoutMs: number;
  /** Called with the number of points InfluxDB dropped as older than the retention policy. */
  onRetentionDrop(dropped: number): void;
}

interface Ticket {
  remaining: number;
  settled: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

/** A write waiting for lines [start, until) of a lane to be sent. */
interface Waiter {
  ticket: Ticket;
  start: number;
  until: number;
}

interface Lane {
  lines: string[];
  /** Lines handed to this lane so far, and lines sent (or failed) so far. */
  queued: number;
  sent: number;
  waiters: Waiter[];
  busy: boolean;
  /** Send what is queued even if it is less than a batch (timer fired, flush() called). */
  sendAll: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Writes line protocol to InfluxDB 1.x `/write`, batched and gzip-compressed. node-influx can do
 * neither gzip nor ordered batching, so this small client does the writes itself (node:http +
 * zlib) and node-influx keeps queries and administration.
 *
 * Lines are spread over `concurrency` lanes by series key: each lane sends one request at a time,
 * in order, so the last write of a series + timestamp wins even with several requests in flight.
 * A write resolves when every batch holding one of its lines was accepted, and rejects when one
 * of them failed (its other lines may have been written: rewriting them later is harmless).
 */
export class InfluxWriter {
  private readonly lanes: Lane[];
  private readonly agent: http.Agent;
  private readonly path: string;
  private closed = false;

  constructor(private readonly options: InfluxWriterOptions) {
    const secure = options.origin.startsWith('https:');
    const Agent = secure ? https.Agent : http.Agent;
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: options.concurrency,
      ...(options.ca ? { ca: options.ca } : {}),
    });
    const query = new URLSearchParams({ db: options.database, rp: options.retentionPolicy, precision: 'ns' });
    this.path = `/write?${query.toString()}`;
    this.lanes = Array.from({ length: options.concurrency }, () => ({
      lines: [],
      queued: 0,
      sent: 0,
      waiters: [],
      busy: false,
      sendAll: false,
      timer: undefined,
    }));
  }

  /** Queues lines; resolves once all are written, rejects with a HeadroomError otherwise. */
  write(lines: readonly Line[], signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(new HeadroomError('store_stopped', 'InfluxDB writer is stopped'));
    if (lines.length === 0) return Promise.resolve();
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { remaining: 0, settled: false, resolve, reject };
      const starts = new Map<Lane, number>();
      for (const line of lines) {
        const lane = this.lanes[laneOf(line.seriesKey, this.lanes.length)] as Lane;
        if (!starts.has(lane)) starts.set(lane, lane.queued);
        lane.lines.push(line.text);
        lane.queued++;
      }
      for (const [lane, start] of starts) {
        ticket.remaining++;
        lane.waiters.push({ ticket, start, until: lane.queued });
        this.schedule(lane);
      }
      // The lines stay queued: sent later, they still precede any newer line of their series.
      signal?.addEventListener(
        'abort',
        () =>
          settle(
            ticket,
            new HeadroomError('store_timeout', 'InfluxDB write aborted', {
              retryable: true,
              cause: signal.reason,
            }),
          ),
        { once: true },
      );
    });
  }

  /** Sends everything queued now and waits until it is sent (failures are the writers' to see). */
  async flush(): Promise<void> {
    await Promise.all(
      this.lanes.map(
        (lane) =>
          new Promise<void>((resolve) => {
            const ticket: Ticket = { remaining: 1, settled: false, resolve, reject: () => resolve() };
            lane.waiters.push({ ticket, start: lane.queued, until: lane.queued });
            this.schedule(lane, true);
          }),
      ),
    );
  }

  /** Flushes, then refuses further writes and closes idle connections. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    for (const lane of this.lanes) clearTimeout(lane.timer);
    this.agent.destroy();
  }

  private schedule(lane: Lane, sendAll = false): void {
    if (sendAll) lane.sendAll = true;
    if (lane.busy) return;
    if (lane.sendAll || lane.lines.length >= this.options.batchSize) {
      clearTimeout(lane.timer);
      lane.timer = undefined;
      void this.drain(lane);
    } else if (!lane.timer && lane.lines.length > 0) {
      // Not unref'd: a write is waiting on it. During shutdown it can be the last thing keeping
      // the process alive, and an unref'd timer let Node exit with the write neither sent nor spooled.
      lane.timer = setTimeout(() => {
        lane.timer = undefined;
        this.schedule(lane, true);
      }, this.options.flushIntervalMs);
    }
  }

  private async drain(lane: Lane): Promise<void> {
    lane.busy = true;
    while (lane.lines.length > 0 && (lane.sendAll || lane.lines.length >= this.options.batchSize)) {
      const batch = lane.lines.splice(0, this.options.batchSize);
      const start = lane.sent;
      const end = start + batch.length;
      let failure: unknown;
      try {
        await this.post(batch);
      } catch (err) {
        failure = err;
      }
      lane.sent = end;
      // Writes with a line in a failed batch fail, even if their later lines are still queued.
      if (failure !== undefined) for (const w of lane.waiters) if (w.start < end) settle(w.ticket, failure);
      this.release(lane);
    }
    if (lane.lines.length === 0) lane.sendAll = false;
    lane.busy = false;
    this.release(lane);
    this.schedule(lane);
  }

  /** Resolves the waiters whose lines in this lane have all been sent. */
  private release(lane: Lane): void {
    const done = lane.waiters.filter((w) => w.until <= lane.sent);
    if (done.length === 0) return;
    lane.waiters = lane.waiters.filter((w) => w.until > lane.sent);
    for (const w of done) if (--w.ticket.remaining === 0) settle(w.ticket);
  }

  private async post(lines: readonly string[]): Promise<void> {
    const text = Buffer.from(lines.join('\n'), 'utf8');
    const body = this.options.compression === 'gzip' ? await gzip(text, { level: 1 }) : text;
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': body.length,
    };
    if (this.options.compression === 'gzip') headers['content-encoding'] = 'gzip';
    if (this.options.authorization) headers.authorization = this.options.authorization;
    const { status, text: reply } = await this.request(body, headers);
    if (status === 204) return;
    const message = parseError(reply);
    const beyondRetention = /points beyond retention policy dropped=(\d+)/.exec(message);
    if (status === 400 && beyondRetention && !/field type conflict|unable to parse/.test(message)) {
      this.options.onRetentionDrop(Number(beyondRetention[1]));
      return;
    }
    throw writeError(this.options.origin, status, message);
  }

  private request(
    body: Buffer,
    headers: http.OutgoingHttpHeaders,
  ): Promise<{ status: number; text: string }> {
    const url = new URL(this.options.origin + this.path);
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        { method: 'POST', agent: this.agent, headers, timeout: this.options.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      req.on('error', (err) =>
        reject(
          new HeadroomError(
            'store_unreachable',
            `InfluxDB write to ${this.options.origin} failed: ${err.message}`,
            {
              retryable: true,
              cause: err,
            },
          ),
        ),
      );
      req.end(body);
    });
  }
}

function settle(ticket: Ticket, err?: unknown): void {
  if (ticket.settled) return;
  ticket.settled = true;
  if (err === undefined) ticket.resolve();
  else ticket.reject(err);
}

/** FNV-1a of the series key, so one series always goes through the same lane. */
function laneOf(seriesKey: string, lanes: number): number {
  if (lanes === 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < seriesKey.length; i++)
    hash = Math.imul(hash ^ seriesKey.charCodeAt(i), 0x01000193) >>> 0;
  return hash % lanes;
}

function parseError(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: a proxy's page, say
  }
  return text.trim().slice(0, 300);
}

/**
 * Classifies a refused write. 400/413 are the data's fault: retrying the same lines fails again.
 * Everything else (auth, missing database, 5xx) may pass later: an operator fixes credentials, the
 * store re-creates its database, the server recovers, and the spool keeps the data meanwhile.
 */
function writeError(origin: string, status: number, message: string): HeadroomError {
  const retryable = status !== 400 && status !== 413;
  const code =
    status === 401 || status === 403 ? 'store_auth' : retryable ? 'store_unavailable' : 'store_rejected';
  return new HeadroomError(code, `InfluxDB at ${origin} refused a write (HTTP ${status}): ${message}`, {
    retryable,
  });
}
