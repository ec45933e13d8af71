import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { validateMessage } from './slack-block-kit.js';

export { validateBlocks, validateMessage } from './slack-block-kit.js';

/**
 * A local HTTP server that behaves as Slack documents, for tests (Slack is unreachable here).
 *
 * Incoming webhooks (docs.slack.dev "Sending messages using incoming webhooks"; api.slack.com
 * changelog 2016-05-17): `POST /services/T…/B…/<secret>` with a JSON body answers 200 `ok`;
 * 400 `invalid_payload` (unparseable or structurally invalid), `invalid_blocks`, `no_text`;
 * 404 `no_service` (unknown webhook); 429 with `Retry-After` (about one message per second
 * per webhook, short bursts tolerated).
 *
 * Web API (docs.slack.dev/reference/methods/chat.postMessage, chat.update, apis/web-api/
 * rate-limits): `POST /api/<method>`, form-encoded (blocks as a JSON string) or JSON; the token
 * as `Authorization: Bearer` (or a `token` form field); answers HTTP 200 `{ok: true, channel,
 * ts}` or `{ok: false, error}` (`not_authed`, `invalid_auth`, `channel_not_found`,
 * `message_not_found`, `invalid_blocks`, `msg_too_long`, `no_text`); HTTP 429 + Retry-After.
 * chat.update needs the channel id, not a name.
 *
 * Block Kit limits checked (docs.slack.dev/reference/block-kit/blocks): at most 50 blocks;
 * block_id at most 255 and unique; header: plain_text at most 150; section: text at most 3,000
 * or fields (at most 10, each at most 2,000); context: 1 to 10 elements; divider; actions: at
 * most 25 elements; text objects are `plain_text` or `mrkdwn` with non-empty text. Messages
 * with blocks but no top-level `text` fallback are accepted (as Slack does) and listed in
 * `warnings`.
 *
 * It can be told to fail: `invalid_payload`, `rate_limited` (429 + Retry-After), `server_error`
 * (5xx), `slow` (answer after a delay), `hang` (accept, never answer), `down` (reset the
 * connection), `no_service`, or a Web API error code.
 */
export type FakeSlackFailure =
  | { kind: 'invalid_payload' }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'server_error'; status?: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'hang' }
  | { kind: 'down' }
  | { kind: 'no_service' }
  | { kind: 'web_api_error'; error: string };

export interface SlackReceipt {
  readonly surface: 'webhook' | 'chat.postMessage' | 'chat.update';
  /** Time by the fake's clock (`now` option) when the request arrived. */
  readonly atMs: number;
  /** True when Slack would have posted (or edited) the message. */
  readonly accepted: boolean;
  /** Error code answered when not accepted. */
  readonly error?: string;
  readonly text?: string;
  readonly blocks?: readonly Record<string, unknown>[];
  readonly channel?: string;
  readonly ts?: string;
  readonly threadTs?: string;
  readonly replyBroadcast?: boolean;
  /** Headroom puts the notification id in the header's block_id (`hr:<id>:h`). */
  readonly notificationId?: string;
}

export interface FakeSlackOptions {
  /** Clock for receipt times and rate checks (a FakeClock's now). */
  now?: () => number;
  /** Answer 429 when a message arrives less than 1 s after the previous one on the same webhook/channel. */
  enforceRateLimit?: boolean;
}

const CHANNEL = { id: 'C0HEADROOM', name: 'alerts' };
/** Message arguments Slack documents (chat.postMessage / chat.update / incoming webhooks). */
const KNOWN_ARGUMENTS = new Set([
  'token',
  'channel',
  'ts',
  'text',
  'blocks',
  'attachments',
  'thread_ts',
  'reply_broadcast',
  'unfurl_links',
  'unfurl_media',
  'mrkdwn',
  'parse',
  'link_names',
  'username',
  'icon_emoji',
  'icon_url',
  'as_user',
  'metadata',
  'team_id',
]);
/** Web API spellings of the injected failures. */
const WEB_API_ERROR: Record<string, string> = {
  invalid_payload: 'invalid_blocks',
  rate_limited: 'ratelimited',
};

export class FakeSlack {
  readonly token = `xoxb-${randomBytes(12).toString('hex')}`;
  readonly channelId = CHANNEL.id;
  readonly receipts: SlackReceipt[] = [];
  readonly warnings: string[] = [];
  /** Messages that arrived within 1 s of the previous accepted one on the same destination. */
  rateLimitViolations = 0;
  private readonly secretPath = `/services/T0HEADROOM/B0ALERTS/${randomBytes(12).toString('hex')}`;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private readonly lastAcceptedMs = new Map<string, number>();
  private readonly posted = new Map<string, { text?: string }>();
  private failure: FakeSlackFailure | undefined;
  private failuresLeft = 0;
  private tsCounter = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: FakeSlackOptions,
  ) {}

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const server = createServer();
    const slack = new FakeSlack(server, options);
    server.on('connection', (socket) => {
      slack.sockets.add(socket);
      socket.on('close', () => slack.sockets.delete(socket));
    });
    server.on('request', (req, res) => void slack.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return slack;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The incoming webhook URL (a secret, as in Slack). */
  get webhookUrl(): string {
    return `${this.baseUrl}${this.secretPath}`;
  }

  /** Web API base URL for WebClient's `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** Fails the next `times` requests (default: until `recover()`). */
  fail(failure: FakeSlackFailure, times = Number.POSITIVE_INFINITY): void {
    this.failure = failure;
    this.failuresLeft = times;
  }

  recover(): void {
    this.failure = undefined;
    this.failuresLeft = 0;
  }

  /** Accepted messages (posted or edited), in arrival order. */
  get accepted(): SlackReceipt[] {
    return this.receipts.filter((r) => r.accepted);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private takeFailure(): FakeSlackFailure | undefined {
    if (!this.failure || this.failuresLeft <= 0) return undefined;
    const failure = this.failure;
    this.failuresLeft -= 1;
    if (this.failuresLeft <= 0) this.failure = undefined;
    return failure;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const failure = this.takeFailure();
    if (failure?.kind === 'down') {
      req.socket.destroy();
      return;
    }
    const raw = await readBody(req);
    const atMs = this.now();
    if (failure?.kind === 'slow') await new Promise((r) => setTimeout(r, failure.delayMs));
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/services/')) return this.webhook(req, res, path, raw, atMs, failure);
    if (path.startsWith('/api/'))
      return this.webApi(req, res, path.slice('/api/'.length), raw, atMs, failure);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not_found');
  }

  private webhook(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    raw: string,
    atMs: number,
    failure?: FakeSlackFailure,
  ): void {
    const answer = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'text/html', ...headers }).end(body);
    };
    const reject = (
      status: number,
      error: string,
      headers?: Record<string, string>,
      payload?: Record<string, unknown>,
    ): void => {
      this.receipts.push({ surface: 'webhook', atMs, accepted: false, error, ...describe(payload) });
      answer(status, error, headers);
    };
    if (req.method !== 'POST') return reject(405, 'invalid_method');
    if (path !== this.secretPath || failure?.kind === 'no_service') return reject(404, 'no_service');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
      return reject(400, 'invalid_payload');
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(raw) as Record<string, unknown>;
      if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new Error('not an object');
    } catch {
      return reject(400, 'invalid_payload');
    }
    if (failure) {
      const handled = this.injected(failure, (status, error, headers) =>
        reject(status, error, headers, payload),
      );
      if (handled === 'answered') return;
      if (handled === 'hang') {
        this.accept('webhook', atMs, payload, this.secretPath);
        this.hanging.add(res);
        return;
      }
    }
    const invalid = validateMessage(payload);
    if (invalid)
      return reject(
        400,
        invalid === 'no_text' || invalid === 'msg_too_long' ? invalid : 'invalid_blocks',
        {},
        payload,
      );
    if (this.rateCheck(this.secretPath, atMs))
      return reject(429, 'rate_limited', { 'retry-after': '1' }, payload);
    this.accept('webhook', atMs, payload, this.secretPath);
    answer(200, 'ok');
  }

  private webApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    raw: string,
    atMs: number,
    failure?: FakeSlackFailure,
  ): void {
    const json = (
      status: number,
      body: Record<string, unknown>,
      headers: Record<string, string> = {},
    ): void => {
      res
        .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
        .end(JSON.stringify(body));
    };
    const surface = method === 'chat.update' ? 'chat.update' : 'chat.postMessage';
    const type = req.headers['content-type'] ?? '';
    let args: Record<string, unknown>;
    try {
      args = type.startsWith('application/json')
        ? (JSON.parse(raw) as Record<string, unknown>)
        : formArgs(raw);
    } catch {
      return json(200, { ok: false, error: 'invalid_json' });
    }
    const reject = (error: string, status = 200, headers?: Record<string, string>): void => {
      this.receipts.push({ surface, atMs, accepted: false, error, ...describe(args) });
      json(status, { ok: false, error }, headers);
    };
    const header = /^Bearer\s+(\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token =
      header ?? (type.startsWith('application/json') ? undefined : (args.token as string | undefined));
    if (!token) return reject('not_authed');
    if (token !== this.token) return reject('invalid_auth');
    if (method !== 'chat.postMessage' && method !== 'chat.update') return reject('unknown_method');
    if (typeof args.blocks === 'string') {
      try {
        args.blocks = JSON.parse(args.blocks);
      } catch {
        return reject('invalid_blocks_format');
      }
    }
    if (failure) {
      const handled = this.injected(failure, (status, error, headers) =>
        reject(WEB_API_ERROR[error] ?? error, status, headers),
      );
      if (handled === 'answered') return;
      if (handled === 'hang') {
        this.accept(surface, atMs, args, CHANNEL.id);
        this.hanging.add(res);
        return;
      }
    }
    const channel = String(args.channel ?? '');
    const channelOk =
      method === 'chat.update'
        ? channel === CHANNEL.id
        : [CHANNEL.id, CHANNEL.name, `#${CHANNEL.name}`].includes(channel);
    if (!channelOk) return reject('channel_not_found');
    const invalid = validateMessage(args);
    if (invalid) return reject(invalid);
    if (method === 'chat.update') {
      if (!this.posted.has(String(args.ts))) return reject('message_not_found');
      this.accept('chat.update', atMs, args, CHANNEL.id, String(args.ts));
      return json(200, { ok: true, channel: CHANNEL.id, ts: args.ts, text: args.text });
    }
    if (this.rateCheck(CHANNEL.id, atMs)) return reject('ratelimited', 429, { 'retry-after': '1' });
    const ts = `${Math.floor(atMs / 1000)}.${String(++this.tsCounter).padStart(6, '0')}`;
    this.accept('chat.postMessage', atMs, args, CHANNEL.id, ts);
    json(200, { ok: true, channel: CHANNEL.id, ts, message: { text: args.text, ts } });
  }

  /** Applies an injected failure; 'answered' when it answered, 'hang' to accept silently. */
  private injected(
    failure: FakeSlackFailure,
    reject: (status: number, error: string, headers?: Record<string, string>) => void,
  ): 'answered' | 'hang' | 'continue' {
    switch (failure.kind) {
      case 'invalid_payload':
        reject(400, 'invalid_payload');
        return 'answered';
      case 'rate_limited':
        reject(429, 'rate_limited', { 'retry-after': String(failure.retryAfterSeconds) });
        return 'answered';
      case 'server_error':
        reject(failure.status ?? 500, 'internal_error');
        return 'answered';
      case 'web_api_error':
        reject(200, failure.error);
        return 'answered';
      case 'hang':
        return 'hang';
      default:
        return 'continue';
    }
  }

  private rateCheck(destination: string, atMs: number): boolean {
    const last = this.lastAcceptedMs.get(destination);
    const tooSoon = last !== undefined && atMs - last < 1_000;
    if (tooSoon) this.rateLimitViolations += 1;
    return tooSoon && this.options.enforceRateLimit === true;
  }

  private accept(
    surface: SlackReceipt['surface'],
    atMs: number,
    args: Record<string, unknown>,
    destination: string,
    ts?: string,
  ): void {
    if (surface !== 'chat.update') this.lastAcceptedMs.set(destination, atMs);
    if (Array.isArray(args.blocks) && (typeof args.text !== 'string' || args.text === '')) {
      this.warnings.push(`${surface}: blocks without a top-level text fallback`);
    }
    const unknown = Object.keys(args).filter((k) => !KNOWN_ARGUMENTS.has(k));
    if (unknown.length > 0) this.warnings.push(`${surface}: unknown arguments ${unknown.join(', ')}`);
    if (ts && surface === 'chat.postMessage') this.posted.set(ts, { text: args.text as string });
    this.receipts.push({
      surface,
      atMs,
      accepted: true,
      ...describe(args),
      ...(ts ? { ts } : {}),
      ...(surface !== 'webhook' ? { channel: CHANNEL.id } : {}),
    });
  }
}

function describe(args: Record<string, unknown> | undefined): Partial<SlackReceipt> {
  if (!args) return {};
  const blocks = Array.isArray(args.blocks) ? (args.blocks as Record<string, unknown>[]) : undefined;
  const headerId = blocks?.find((b) => b.type === 'header')?.block_id;
  const notificationId = typeof headerId === 'string' ? /^hr:(.*):h$/.exec(headerId)?.[1] : undefined;
  return {
    ...(typeof args.text === 'string' ? { text: args.text } : {}),
    ...(blocks ? { blocks } : {}),
    ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
    ...(args.reply_broadcast === true || args.reply_broadcast === 'true' ? { replyBroadcast: true } : {}),
    ...(notificationId ? { notificationId } : {}),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function formArgs(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
  return out;
}
