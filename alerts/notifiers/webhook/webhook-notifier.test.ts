import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../core/clock.js';
import { HeadroomError } from '../../../core/errors.js';
import { freePort } from '../../../test/helpers/free-port.js';
import { sampleNotification } from '../../testing/notifications.js';
import { webhookNotifierConfigSchema } from './config.js';
import { verifySignature } from './signature.js';
import { WebhookNotifier } from './webhook-notifier.js';

const SECRET = 'hmac-secret-0123456789abcdef';
const TOKEN = 'tok_9f8e7d6c5b4a';
let server: Server;
let reply: { status: number; headers?: Record<string, string> } = { status: 204 };
const received: { headers: IncomingMessage['headers']; body: string }[] = [];
const clock = new FakeClock(Date.UTC(2026, 0, 5, 14, 6));

function notifierFor(url: string): WebhookNotifier {
  return new WebhookNotifier(
    webhookNotifierConfigSchema.parse({
      type: 'webhook',
      name: 'pager',
      url,
      secret: SECRET,
      headers: { 'X-Api-Key': 'k3y-value' },
      timeoutMs: 5_000,
    }),
    clock,
  );
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(reply.status, reply.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const url = (): string =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/headroom?token=${TOKEN}`;

describe('WebhookNotifier', () => {
  it('POSTs the notification as JSON, HMAC-signed, with an idempotency key', async () => {
    reply = { status: 204 };
    await notifierFor(url()).send(sampleNotification(), { signal: new AbortController().signal });
    const { headers, body } = received.at(-1)!;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['idempotency-key']).toBe('stripe-20260105-1405-ab12#1');
    expect(headers['x-headroom-event']).toBe('opened');
    expect(headers['x-api-key']).toBe('k3y-value');
    expect(JSON.parse(body)).toMatchObject({
      version: 1,
      id: 'stripe-20260105-1405-ab12#1',
      severity: 'critical',
      tags: { provider: 'stripe' },
    });
    const nowSeconds = Math.floor(clock.now() / 1000);
    const sig = {
      signature: headers['x-headroom-signature'] as string,
      timestamp: headers['x-headroom-timestamp'] as string,
    };
    expect(verifySignature(SECRET, sig, body, nowSeconds)).toBe(true);
    expect(verifySignature('another-secret-0123456789', sig, body, nowSeconds)).toBe(false);
    expect(verifySignature(SECRET, sig, body.replace('critical', 'warning'), nowSeconds)).toBe(false);
    expect(verifySignature(SECRET, sig, body, nowSeconds + 301)).toBe(false);
  });

  it.each([
    [
      503,
      { 'retry-after': 'Mon, 05 Jan 2026 14:06:20 GMT' },
      { code: 'webhook_rejected', retryable: true, retryAfterMs: 20_000 },
    ],
    [429, { 'retry-after': '12' }, { code: 'webhook_rate_limited', retryable: true, retryAfterMs: 12_000 }],
    [408, {}, { retryable: true }],
    [400, {}, { code: 'webhook_rejected', retryable: false }],
    [401, {}, { retryable: false }],
  ])('classifies HTTP %i', async (status, headers, expected) => {
    reply = { status, headers };
    const err = await notifierFor(url())
      .send(sampleNotification(), { signal: new AbortController().signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HeadroomError);
    expect(err).toMatchObject({ message: `webhook "pager": HTTP ${status}`, ...expected });
  });

  it('treats connection errors as retryable and never names the URL, token or secret', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/hooks/headroom?token=${TOKEN}`;
    const err = (await notifierFor(closed)
      .send(sampleNotification(), { signal: new AbortController().signal })
      .catch((e: unknown) => e)) as HeadroomError;
    expect(err).toMatchObject({
      code: 'webhook_unreachable',
      retryable: true,
      message: 'webhook "pager": request failed (ECONNREFUSED)',
    });
    const text = [JSON.stringify(err), err.stack ?? ''].join('\n');
    for (const secret of [TOKEN, SECRET, 'k3y-value', '/hooks/headroom']) expect(text).not.toContain(secret);
  });
});
