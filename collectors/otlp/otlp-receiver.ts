import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzip } from 'node:zlib';
import type { Clock } from '../../core/clock.js';
import type { Component, ComponentHealth } from '../../core/component.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { getMeter } from '../../core/telemetry.js';
import type { Rollup } from '../rollup.js';
import type { OtlpConfig } from './config.js';
import type { IngestTally } from './ingest-tally.js';
import type { MetricMapper } from './metric-mapper.js';
import { sendFailure, sendSuccess, type Encoding, type Signal } from './otlp-response.js';
import { ExportMetricsServiceRequest, ExportTraceServiceRequest } from './proto.js';
import type { TraceMapper } from './trace-mapper.js';

export interface OtlpReceiverOptions {
  config: OtlpConfig;
  rollup: Rollup;
  traces: TraceMapper;
  metrics: MetricMapper;
  clock: Clock;
  logger: Logger;
}

const PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/metrics': 'metrics' };

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * OTLP/HTTP receiver (opentelemetry-proto docs/specification.md, "OTLP/HTTP"): `POST /v1/traces`
 * and `/v1/metrics`, binary protobuf or JSON, optionally gzip, on its own port (4318); HTTPS when
 * `tls` (certificate and key files) is configured.
 *
 * Answers: 200 with Export*ServiceResponse (partial_success when items were rejected); 400 with
 * a Status for undecodable bodies; 401 without the configured bearer token; 404 / 405 for other
 * paths / methods; 413 above `maxBodyBytes` before or after decompression (gzip bombs stop at
 * the limit); 415 for other content types or encodings; 429 when `maxConcurrentRequests` or
 * `maxInFlightBytes` are already taken, 503 when the rollup cannot write (spool full, too many
 * pending points), both with Retry-After. Data is acknowledged (200) once it is in the rollup.
 */
export class OtlpReceiver implements Component {
  readonly name = 'otlp-receiver';
  private server: Server | undefined;
  private inFlight = 0;
  private bytesInFlight = 0;
  private readonly log: Logger;
  private readonly tokenDigest: Buffer | undefined;
  private readonly requests;
  private readonly items;

  constructor(private readonly options: OtlpReceiverOptions) {
    this.log = options.logger.child({ component: 'otlp-receiver' });
    const token = options.config.bearerToken;
    this.tokenDigest = token ? sha256(token) : undefined;
    const meter = getMeter();
    this.requests = meter.createCounter('headroom_otlp_requests', {
      description: 'OTLP/HTTP export requests, by signal and HTTP status',
    });
    this.items = meter.createCounter('headroom_otlp_items', {
      description: 'Spans and data points received, by signal and outcome (accepted, ignored, rejected)',
    });
  }

  async start(): Promise<void> {
    const tls = this.options.config.tls;
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res);
    const server: Server = tls
      ? createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, handler)
      : createServer(handler);
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.config.port, this.options.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.log.info({ url: this.url() }, 'OTLP/HTTP receiver listening');
  }

  /** Stops taking connections and waits for requests in progress (they reach the rollup). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  health(): ComponentHealth {
    const shed = this.options.rollup.admission();
    return shed
      ? { state: 'degraded', detail: `shedding load: ${shed.reason}` }
      : { state: 'ok', detail: this.url() };
  }

  url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    const host = this.options.config.host === '0.0.0.0' ? '127.0.0.1' : this.options.config.host;
    const scheme = this.options.config.tls ? 'https' : 'http';
    return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${address?.port ?? this.options.config.port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const signal = PATHS[q < 0 ? rawUrl : rawUrl.slice(0, q)];
    const encoding = encodingOf(req.headers['content-type']);
    const replyEncoding: Encoding = encoding ?? 'json';
    let decoding = false;
    let held = 0;
    try {
      if (!signal)
        throw new HttpFailure(
          404,
          `no OTLP endpoint at ${rawUrl.slice(0, 100)}: use /v1/traces or /v1/metrics`,
        );
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        throw new HttpFailure(405, `${req.method ?? ''} is not allowed: OTLP/HTTP exports use POST`);
      }
      if (this.tokenDigest && !this.authorized(req.headers.authorization)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new HttpFailure(401, 'a valid bearer token is required');
      }
      if (!encoding)
        throw new HttpFailure(415, 'Content-Type must be application/x-protobuf or application/json');
      const contentEncoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      if (contentEncoding !== 'identity' && contentEncoding !== 'gzip') {
        throw new HttpFailure(
          415,
          `Content-Encoding ${contentEncoding.slice(0, 40)} is not supported: use gzip or none`,
        );
      }
      const max = this.options.config.maxBodyBytes;
      const declared = Number(req.headers['content-length']);
      if (declared > max) throw new HttpFailure(413, `the body exceeds ${max} bytes`);
      if (this.inFlight >= this.options.config.maxConcurrentRequests) {
        res.setHeader('Retry-After', '1');
        throw new HttpFailure(429, 'too many concurrent export requests');
      }
      if (
        this.bytesInFlight > 0 &&
        this.bytesInFlight + (declared || 0) > this.options.config.maxInFlightBytes
      ) {
        res.setHeader('Retry-After', '1');
        throw new HttpFailure(429, 'too many request bytes in flight');
      }
      const shed = this.options.rollup.admission();
      if (shed) {
        res.setHeader(
          'Retry-After',
          String(Math.max(shed.retryAfterSeconds, this.options.config.retryAfterSeconds)),
        );
        throw new HttpFailure(shed.status, `Headroom is shedding load: ${shed.reason}`);
      }
      this.inFlight++;
      decoding = true;
      const raw = await readBody(req, max, (n) => {
        held += n;
        this.bytesInFlight += n;
      });
      const body = contentEncoding === 'gzip' ? await gunzipLimited(raw, max) : raw;
      const message = decode(signal, encoding, body);
      const tally = (signal === 'traces' ? this.options.traces : this.options.metrics).map(
        message,
        this.options.clock.now(),
      );
      this.count(signal, tally);
      sendSuccess(
        res,
        signal,
        encoding,
        tally.rejected,
        tally.message(signal === 'traces' ? 'spans' : 'data points'),
      );
      this.requests.add(1, { signal, status: 200 });
    } catch (err) {
      const failure = err instanceof HttpFailure ? err : undefined;
      const status = failure?.status ?? 500;
      if (!failure) this.log.error({ err: errorMessage(err) }, 'OTLP request failed unexpectedly');
      // After a refused body, close the connection rather than read what is left of it.
      if (status === 413 || (!decoding && !req.complete && status !== 429 && status !== 503))
        res.setHeader('Connection', 'close');
      sendFailure(res, status, replyEncoding, failure ? failure.message : 'internal error');
      this.requests.add(1, { signal: signal ?? 'none', status });
    } finally {
      if (decoding) this.inFlight--;
      this.bytesInFlight -= held;
    }
  }

  private authorized(header: string | undefined): boolean {
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    // Hashing makes the lengths equal, so timingSafeEqual compares in constant time.
    return match !== null && timingSafeEqual(sha256(match[1]!), this.tokenDigest!);
  }

  private count(signal: Signal, tally: IngestTally): void {
    const accepted = tally.received - tally.rejected - tally.ignored;
    if (accepted > 0) this.items.add(accepted, { signal, outcome: 'accepted' });
    if (tally.ignored > 0) this.items.add(tally.ignored, { signal, outcome: 'ignored' });
    if (tally.rejected > 0) this.items.add(tally.rejected, { signal, outcome: 'rejected' });
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function encodingOf(contentType: string | undefined): Encoding | undefined {
  if (!contentType) return undefined;
  const semi = contentType.indexOf(';');
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (media === 'application/x-protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

function decode(signal: Signal, encoding: Encoding, body: Buffer): unknown {
  try {
    if (encoding === 'json') return JSON.parse(body.toString('utf8'));
    return (signal === 'traces' ? ExportTraceServiceRequest : ExportMetricsServiceRequest).decode(body);
  } catch (err) {
    const what = encoding === 'json' ? 'OTLP/JSON' : 'protobuf';
    throw new HttpFailure(400, `cannot decode the ${what} body: ${errorMessage(err).slice(0, 200)}`);
  }
}

/** The request body, refusing (413) as soon as it passes `maxBytes`. */
function readBody(req: IncomingMessage, maxBytes: number, onBytes: (n: number) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > maxBytes) {
        cleanup();
        reject(new HttpFailure(413, `the body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
      onBytes(chunk.length);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new HttpFailure(400, `the request body could not be read: ${err.message}`));
    };
    const onAborted = (): void => onError(new Error('the client went away'));
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** gunzip with an output cap: a bomb stops at `maxBytes` (413) instead of filling memory. */
function gunzipLimited(body: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: maxBytes }, (err, out) => {
      if (!err) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        reject(new HttpFailure(413, `the decompressed body exceeds ${maxBytes} bytes`));
      } else {
        reject(new HttpFailure(400, `the gzip body is corrupt: ${err.message}`));
      }
    });
  });
}
