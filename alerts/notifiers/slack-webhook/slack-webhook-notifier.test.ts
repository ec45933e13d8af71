import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HeadroomError } from '../../../core/errors.js';
import { FakeSlack, type FakeSlackFailure } from '../../../test/helpers/fake-slack.js';
import { sampleNotification } from '../../testing/notifications.js';
import { CONFIG_ERROR_RETRY_MS } from '../retry-after.js';
import { slackWebhookConfigSchema } from './config.js';
import { SlackWebhookNotifier } from './slack-webhook-notifier.js';

let slack: FakeSlack;
let notifier: SlackWebhookNotifier;
const signal = new AbortController().signal;

beforeAll(async () => {
  slack = await FakeSlack.start();
  notifier = new SlackWebhookNotifier(
    slackWebhookConfigSchema.parse({
      type: 'slack-webhook',
      name: 'oncall',
      webhookUrl: slack.webhookUrl,
      timeoutMs: 1_500,
    }),
  );
});
afterAll(() => slack.stop());
beforeEach(() => slack.recover());

/** The error a send rejects with; asserts it never carries the webhook URL or its secret path. */
async function failure(): Promise<HeadroomError> {
  const err = await notifier.send(sampleNotification(), { signal }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HeadroomError);
  const secretPath = new URL(slack.webhookUrl).pathname;
  for (const text of [
    String(err),
    JSON.stringify(err),
    (err as Error).stack ?? '',
    JSON.stringify((err as Error).cause ?? null),
  ]) {
    expect(text).not.toContain(secretPath.split('/').at(-1));
  }
  return err as HeadroomError;
}

describe('SlackWebhookNotifier', () => {
  it('posts Block Kit with a text fallback; Slack answers ok', async () => {
    await notifier.send(sampleNotification(), { signal });
    const receipt = slack.accepted.at(-1)!;
    expect(receipt).toMatchObject({ surface: 'webhook', notificationId: 'stripe-20260105-1405-ab12#1' });
    expect(receipt.blocks!.length).toBe(4);
    expect(receipt.text).toContain('stripe: p95 latency 4.2× normal');
    expect(slack.warnings).toEqual([]);
  });

  it('resends as plain text when Slack refuses the blocks (invalid_payload)', async () => {
    slack.fail({ kind: 'invalid_payload' }, 1);
    const before = slack.accepted.length;
    await notifier.send(sampleNotification(), { signal });
    expect(slack.accepted.length).toBe(before + 1);
    expect(slack.accepted.at(-1)!.blocks).toBeUndefined();
    expect(slack.accepted.at(-1)!.text).toContain('stripe: p95 latency');
  });

  it.each<[string, FakeSlackFailure, Partial<HeadroomError>]>([
    [
      '429 with Retry-After',
      { kind: 'rate_limited', retryAfterSeconds: 7 },
      { code: 'slack_rate_limited', retryable: true, retryAfterMs: 7_000 },
    ],
    [
      '500',
      { kind: 'server_error' },
      { code: 'slack_unavailable', retryable: true, retryAfterMs: undefined },
    ],
    ['503', { kind: 'server_error', status: 503 }, { code: 'slack_unavailable', retryable: true }],
    [
      '404 no_service',
      { kind: 'no_service' },
      { code: 'slack_webhook_unusable', retryable: true, retryAfterMs: CONFIG_ERROR_RETRY_MS },
    ],
    ['connection reset', { kind: 'down' }, { code: 'slack_unreachable', retryable: true }],
    ['slow beyond the timeout', { kind: 'hang' }, { code: 'slack_unreachable', retryable: true }],
  ])('classifies %s', async (_name, injected, expected) => {
    slack.fail(injected);
    expect(await failure()).toMatchObject(expected);
  });

  it('refuses for good when even the plain text is refused', async () => {
    slack.fail({ kind: 'invalid_payload' }, 2);
    expect(await failure()).toMatchObject({ code: 'slack_payload_refused', retryable: false });
  });
});
