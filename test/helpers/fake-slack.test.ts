import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack, validateBlocks } from './fake-slack.js';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await FakeSlack.start();
});
afterAll(() => slack.stop());

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('FakeSlack checks Block Kit as Slack documents', () => {
  it.each([
    [
      'a valid message',
      [{ type: 'header', text: { type: 'plain_text', text: 'Hi' } }, section('body')],
      undefined,
    ],
    ['51 blocks', Array.from({ length: 51 }, () => section('x')), 'invalid_blocks'],
    [
      'a header over 150 characters',
      [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      'invalid_blocks',
    ],
    ['a mrkdwn header', [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], 'invalid_blocks'],
    ['section text over 3,000', [section('s'.repeat(3_001))], 'invalid_blocks'],
    ['section text of 3,000', [section('s'.repeat(3_000))], undefined],
    [
      '11 fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }],
      'invalid_blocks',
    ],
    [
      'a field over 2,000',
      [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2_001) }] }],
      'invalid_blocks',
    ],
    ['an empty text', [section('')], 'invalid_blocks'],
    [
      'duplicate block ids',
      [
        { ...section('a'), block_id: 'x' },
        { ...section('b'), block_id: 'x' },
      ],
      'invalid_blocks',
    ],
    ['a block id over 255', [{ ...section('a'), block_id: 'b'.repeat(256) }], 'invalid_blocks'],
    ['an unknown block type', [{ type: 'table' }], 'invalid_blocks'],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
      'invalid_blocks',
    ],
  ])('%s', (_what, blocks, expected) => {
    expect(validateBlocks(blocks)).toBe(expected);
  });
});

describe('FakeSlack answers', () => {
  const post = (
    url: string,
    body: unknown,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) => fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('incoming webhook: 200 ok, 400 invalid_payload / no_text / invalid_blocks, 404 no_service, 429 + Retry-After', async () => {
    const cases: [string, unknown, number, string][] = [
      [slack.webhookUrl, { text: 'hello' }, 200, 'ok'],
      [slack.webhookUrl, '{not json', 400, 'invalid_payload'],
      [slack.webhookUrl, {}, 400, 'no_text'],
      [slack.webhookUrl, { text: 'x', blocks: [section('')] }, 400, 'invalid_blocks'],
      [`${slack.baseUrl}/services/T0/B0/wrong`, { text: 'hello' }, 404, 'no_service'],
    ];
    for (const [url, body, status, text] of cases) {
      const res = await post(url, body);
      expect([res.status, await res.text()]).toEqual([status, text]);
    }
    slack.fail({ kind: 'rate_limited', retryAfterSeconds: 9 }, 1);
    const limited = await post(slack.webhookUrl, { text: 'hello' });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '9']);
  });

  it('Web API: JSON {ok, channel, ts} with HTTP 200, errors as ok:false, auth by bearer token', async () => {
    const call = async (method: string, args: Record<string, string>, token?: string) => {
      const res = await post(`${slack.apiUrl}${method}`, new URLSearchParams(args).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const posted = await call('chat.postMessage', { channel: '#alerts', text: 'hi' }, slack.token);
    expect(posted).toMatchObject({
      status: 200,
      body: { ok: true, channel: slack.channelId, ts: expect.any(String) },
    });
    expect((await call('chat.postMessage', { channel: '#alerts', text: 'hi' })).body).toEqual({
      ok: false,
      error: 'not_authed',
    });
    expect((await call('chat.postMessage', { channel: '#alerts', text: 'hi' }, 'xoxb-wrong')).body).toEqual({
      ok: false,
      error: 'invalid_auth',
    });
    expect((await call('chat.postMessage', { channel: '#nope', text: 'hi' }, slack.token)).body).toEqual({
      ok: false,
      error: 'channel_not_found',
    });
    expect(
      (await call('chat.update', { channel: '#alerts', ts: String(posted.body.ts), text: 'x' }, slack.token))
        .body,
    ).toEqual({
      ok: false,
      error: 'channel_not_found',
    });
    expect(
      (await call('chat.update', { channel: slack.channelId, ts: '1.2', text: 'x' }, slack.token)).body,
    ).toEqual({ ok: false, error: 'message_not_found' });
    expect(
      (
        await call(
          'chat.update',
          { channel: slack.channelId, ts: String(posted.body.ts), text: 'x' },
          slack.token,
        )
      ).body,
    ).toMatchObject({ ok: true });
    slack.fail({ kind: 'rate_limited', retryAfterSeconds: 2 }, 1);
    const limited = await call('chat.postMessage', { channel: '#alerts', text: 'hi' }, slack.token);
    expect(limited).toEqual({ status: 429, body: { ok: false, error: 'ratelimited' } });
  });
});
