import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HeadroomError } from '../../../core/errors.js';
import { FakeSlack } from '../../../test/helpers/fake-slack.js';
import { sampleNotification } from '../../testing/notifications.js';
import { slackBotConfigSchema } from './config.js';
import { SlackBotNotifier } from './slack-bot-notifier.js';

let slack: FakeSlack;
let notifier: SlackBotNotifier;
const logs: string[] = [];
const signal = new AbortController().signal;

function bot(token: string): SlackBotNotifier {
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString()), done()) });
  return new SlackBotNotifier(
    slackBotConfigSchema.parse({
      type: 'slack-bot',
      name: 'oncall-bot',
      token,
      channel: '#alerts',
      apiUrl: slack.apiUrl,
      timeoutMs: 5_000,
    }),
    pino({ level: 'debug' }, sink),
  );
}

beforeAll(async () => {
  slack = await FakeSlack.start();
  notifier = bot(slack.token);
});
afterAll(() => slack.stop());
beforeEach(() => slack.recover());

describe('SlackBotNotifier', () => {
  it('starts a thread, then edits the parent and replies in the thread; the resolution is broadcast', async () => {
    const opened = await notifier.send(sampleNotification(), { signal });
    expect(opened.thread).toEqual({ channel: slack.channelId, ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    const thread = opened.thread!;
    const update = await notifier.send(sampleNotification({ event: 'updated', sequence: 2 }), {
      signal,
      thread,
    });
    expect(update).toEqual({});
    const resolved = sampleNotification({ event: 'resolved', status: 'resolved', sequence: 3 });
    await notifier.send(resolved, { signal, thread });
    const surfaces = slack.accepted.map((r) => [r.surface, r.threadTs ?? null, r.replyBroadcast ?? false]);
    expect(surfaces).toEqual([
      ['chat.postMessage', null, false],
      ['chat.update', null, false],
      ['chat.postMessage', thread.ts, false],
      ['chat.update', null, false],
      ['chat.postMessage', thread.ts, true],
    ]);
    const parentNow = slack.accepted[3]!;
    expect(parentNow.ts).toBe(thread.ts);
    expect(JSON.stringify(parentNow.blocks)).toContain('✅ Resolved: stripe');
    expect(slack.warnings).toEqual([]);
  });

  it('still replies when the parent cannot be edited (deleted)', async () => {
    await notifier.send(sampleNotification({ event: 'updated', sequence: 2 }), {
      signal,
      thread: { channel: slack.channelId, ts: '1.000001' },
    });
    expect(slack.receipts.at(-2)).toMatchObject({
      surface: 'chat.update',
      accepted: false,
      error: 'message_not_found',
    });
    expect(slack.receipts.at(-1)).toMatchObject({
      surface: 'chat.postMessage',
      accepted: true,
      threadTs: '1.000001',
    });
  });

  it.each([
    [
      'rate limited (429 + Retry-After)',
      { kind: 'rate_limited', retryAfterSeconds: 3 } as const,
      { code: 'slack_rate_limited', retryable: true, retryAfterMs: 3_000 },
    ],
    [
      'ok:false internal_error',
      { kind: 'web_api_error', error: 'internal_error' } as const,
      { code: 'slack_unavailable', retryable: true },
    ],
    [
      'ok:false channel_not_found',
      { kind: 'web_api_error', error: 'channel_not_found' } as const,
      { code: 'slack_config', retryable: true },
    ],
    ['connection reset', { kind: 'down' } as const, { code: 'slack_unreachable', retryable: true }],
  ])('classifies %s', async (_name, injected, expected) => {
    slack.fail(injected);
    const err = await notifier.send(sampleNotification(), { signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HeadroomError);
    expect(err).toMatchObject(expected);
  });

  it('never puts the token in errors or logs', async () => {
    const wrong = `xoxb-${'9'.repeat(24)}`;
    const err = (await bot(wrong)
      .send(sampleNotification(), { signal })
      .catch((e: unknown) => e)) as HeadroomError;
    expect(err).toMatchObject({
      code: 'slack_config',
      message: 'slack bot "oncall-bot" chat.postMessage: invalid_auth',
    });
    slack.fail({ kind: 'down' });
    await notifier.send(sampleNotification(), { signal }).catch(() => undefined);
    const everything = [JSON.stringify(err), err.stack ?? '', ...logs].join('\n');
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(slack.token);
  });
});
