import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SIGNATURE_HEADER,
  verifyWebhookSignature,
} from '../../actuators/targets/webhook/webhook-signature.js';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  /** True when the Headroom-Signature header verified against the shared secret. */
  signatureValid: boolean;
}

/** What the receiver answers next: a status, headers, body and an optional delay (ms). */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

/**
 * A local webhook receiver for tests: verifies every request's signature the way a real
 * receiver should (HMAC-SHA256 over "<t>.<raw body>", constant-time compare, 5 min tolerance
 * against `nowSeconds()`), answers 401 when it does not verify, and otherwise answers from a
 * script (default 204).
 */
export class WebhookReceiver {
  readonly deliveries: ReceivedDelivery[] = [];
  private readonly script: ScriptedAnswer[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(secret: string, nowSeconds: () => number): Promise<WebhookReceiver> {
    const ref: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const header = req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined;
        const signatureValid =
          req.method === 'POST' &&
          req.headers['content-type'] === 'application/json' &&
          verifyWebhookSignature(secret, header, body, nowSeconds());
        ref.receiver!.deliveries.push({ headers: req.headers, body, signatureValid });
        const answer: ScriptedAnswer = signatureValid
          ? (ref.receiver!.script.shift() ?? { status: 204 })
          : { status: 401, body: 'bad signature' };
        setTimeout(() => {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body ?? '');
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ref.receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks/headroom`);
    return ref.receiver;
  }

  /** Queues answers for the next requests (then 204 again). */
  answer(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
