import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../core/clock.js';
import { freePort } from '../../../test/helpers/free-port.js';
import { WebhookReceiver } from '../../../test/helpers/webhook-receiver.js';
import { actuatorsConfigSchema, type TargetConfigOf } from '../../config.js';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';
import { WebhookTarget, type WebhookDelivery } from './webhook-target.js';

const SECRET = 'whsec-0123456789-abcdef-do-not-leak';
const logger = pino({ level: 'silent' });
const signal = (): AbortSignal => AbortSignal.timeout(10_000);
const actuation = {
  control: 'routing' as const,
  subject: { provider: 'maps' },
  desired: { weights: { eu: 80, us: 20 }, down: [], backup: [] },
};

export function webhookTargetConfig(url: string, extra: object = {}): TargetConfigOf<'webhook'> {
  return actuatorsConfigSchema.parse({
    targets: [{ id: 'kong', kind: 'webhook', url, secret: SECRET, timeoutMs: 500, ...extra }],
  }).targets[0] as TargetConfigOf<'webhook'>;
}

describe('webhook signature', () => {
  const body = '{"a":1}';
  it.each([
    ['the exact signature', signWebhook(SECRET, body, 1_000), 1_000, true],
    ['within tolerance', signWebhook(SECRET, body, 1_000), 1_299, true],
    ['too old', signWebhook(SECRET, body, 1_000), 1_301, false],
    ['another key', signWebhook('another-secret-0000', body, 1_000), 1_000, false],
    ['a tampered timestamp', signWebhook(SECRET, body, 1_000).replace('t=1000', 't=1001'), 1_000, false],
    ['no header', undefined, 1_000, false],
  ])('%s', (_name, header, now, ok) => {
    expect(verifyWebhookSignature(SECRET, header, body, now)).toBe(ok);
  });

  it('signs "<t>.<body>" with HMAC-SHA256 in hex', () => {
    // Reference value computed independently: printf '%s' '1000.{"a":1}' | openssl dgst -sha256 -hmac KEY
    expect(signWebhook('key', body, 1_000)).toBe(
      't=1000,v1=703e95d4ed8aa99f3cf59728e8680a5aef1eb7fb7c4e4c827051b950902ca353',
    );
  });
});

describe('WebhookTarget against a local receiver', () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 12, 0, 0));
  let receiver: WebhookReceiver;
  let target: WebhookTarget;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start(SECRET, () => Math.floor(clock.now() / 1000));
    target = new WebhookTarget(
      webhookTargetConfig(receiver.url, { headers: { Authorization: 'Bearer kong-admin-token-123' } }),
      {
        logger,
        clock,
      },
    );
  });
  afterAll(async () => {
    await receiver?.stop();
  });

  it('POSTs the signed decision as JSON, then reads back what was acknowledged', async () => {
    expect(await target.read('routing', actuation.subject, signal())).toBeUndefined();
    await target.apply(actuation, signal(), {
      decisionId: 'dec-42',
      policy: 'routing',
      reasons: ['eu healthier'],
    });
    const last = receiver.deliveries.at(-1)!;
    expect(last.signatureValid).toBe(true);
    expect(last.headers['idempotency-key']).toBe('dec-42');
    expect(last.headers.authorization).toBe('Bearer kong-admin-token-123');
    expect(JSON.parse(last.body) as WebhookDelivery).toEqual({
      type: 'headroom.actuation',
      schema: 1,
      id: 'dec-42',
      target: 'kong',
      control: 'routing',
      subject: { provider: 'maps' },
      desired: actuation.desired,
      policy: 'routing',
      reasons: ['eu healthier'],
      sentAt: '2026-01-05T12:00:00.000Z',
    });
    expect(await target.read('routing', actuation.subject, signal())).toEqual(actuation.desired);
  });

  it('keeps the delivery id across retries of the same content when no decision id is given', async () => {
    await target.apply(actuation, signal());
    await target.apply(actuation, signal());
    const [a, b] = receiver.deliveries.slice(-2);
    expect(a!.headers['idempotency-key']).toBe(b!.headers['idempotency-key']);
  });

  it.each([
    [
      { status: 302, headers: { Location: 'http://elsewhere.example/x?token=abc' } },
      'webhook_redirect',
      false,
      undefined,
    ],
    [{ status: 503, headers: { 'Retry-After': '7' } }, 'webhook_http_503', true, 7_000],
    [
      { status: 429, headers: { 'Retry-After': 'Mon, 05 Jan 2026 12:00:30 GMT' } },
      'webhook_http_429',
      true,
      30_000,
    ],
    [{ status: 500 }, 'webhook_http_500', true, undefined],
    [{ status: 400, body: 'bad shape' }, 'webhook_http_400', false, undefined],
    [{ status: 404 }, 'webhook_http_404', false, undefined],
    [{ status: 200, delayMs: 1_500 }, 'webhook_timeout', true, undefined],
  ])('answer %j -> %s (retryable %s)', async (answer, code, retryable, retryAfterMs) => {
    const before = receiver.deliveries.length;
    receiver.answer(answer);
    const err = await target.apply(actuation, signal()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code, retryable });
    expect((err as { retryAfterMs?: number }).retryAfterMs).toBe(retryAfterMs);
    // Exactly one request: no redirect followed, no retry inside the target.
    expect(receiver.deliveries.length).toBe(before + 1);
  });

  it('a wrong secret is refused by the receiver (401, not retryable)', async () => {
    const wrong = new WebhookTarget(
      { ...webhookTargetConfig(receiver.url), secret: 'not-the-shared-secret-xx' },
      { logger, clock },
    );
    await expect(wrong.apply(actuation, signal())).rejects.toMatchObject({
      code: 'webhook_http_401',
      retryable: false,
    });
  });

  it('a receiver that is down is retryable', async () => {
    const down = new WebhookTarget(webhookTargetConfig(`http://127.0.0.1:${await freePort()}/hook`), {
      logger,
      clock,
    });
    await expect(down.apply(actuation, signal())).rejects.toMatchObject({
      code: 'webhook_unreachable',
      retryable: true,
    });
  });
});
