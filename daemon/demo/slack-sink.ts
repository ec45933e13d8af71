import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the sink received: the message's fallback text and the text of its blocks. */
export interface SlackSinkMessage {
  receivedMs: number;
  text: string;
  /** Header, section and context texts in block order. */
  lines: string[];
}

interface SlackPayload {
  text?: unknown;
  blocks?: {
    type?: string;
    text?: { text?: unknown };
    fields?: { text?: unknown }[];
    elements?: { text?: unknown }[];
  }[];
}

/**
 * A local stand-in for a Slack incoming webhook: accepts `POST /services/demo` with the JSON
 * body Slack documents (`text` plus optional `blocks`), answers `ok` as Slack does (400
 * `invalid_payload` / `no_text` otherwise) and hands each message to `onMessage` (the demo
 * prints it). Nothing leaves the machine.
 */
export class SlackSink {
  private constructor(
    private readonly server: Server,
    /** Every accepted message, in arrival order. */
    readonly messages: readonly SlackSinkMessage[],
  ) {}

  static async start(onMessage: (message: SlackSinkMessage) => void): Promise<SlackSink> {
    const received: SlackSinkMessage[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/services/demo') {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('no_service');
          return;
        }
        let payload: SlackPayload;
        try {
          payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackPayload;
        } catch {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
          return;
        }
        if (typeof payload.text !== 'string' || payload.text === '') {
          res.writeHead(400, { 'content-type': 'text/plain' }).end('no_text');
          return;
        }
        const message = { receivedMs: Date.now(), text: payload.text, lines: blockLines(payload) };
        received.push(message);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        onMessage(message);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new SlackSink(server, received);
  }

  /** The webhook URL to configure (loopback). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/services/demo`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function blockLines(payload: SlackPayload): string[] {
  const lines: string[] = [];
  for (const block of payload.blocks ?? []) {
    if (typeof block.text?.text === 'string') lines.push(block.text.text);
    for (const f of block.fields ?? []) if (typeof f.text === 'string') lines.push(f.text);
    for (const e of block.elements ?? []) if (typeof e.text === 'string') lines.push(e.text);
  }
  return lines;
}
