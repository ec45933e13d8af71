import { afterEach, describe, expect, it } from 'vitest';
import { SlackSink, type SlackSinkMessage } from './slack-sink.js';

describe('SlackSink', () => {
  let sink: SlackSink | undefined;
  afterEach(async () => {
    await sink?.stop();
    sink = undefined;
  });

  it.each([
    [
      'a message with text and blocks',
      { text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'body' } }] },
      200,
      'ok',
    ],
    ['a message without text', { blocks: [] }, 400, 'no_text'],
    ['a body that is not JSON', '{nope', 400, 'invalid_payload'],
  ])('answers %s as Slack does', async (_name, body, status, answer) => {
    const got: SlackSinkMessage[] = [];
    sink = await SlackSink.start((m) => got.push(m));
    const res = await fetch(sink.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(answer);
    expect(got).toHaveLength(status === 200 ? 1 : 0);
    if (status === 200) expect(got[0]).toMatchObject({ text: 'hello', lines: ['body'] });
    expect(sink.messages).toHaveLength(got.length);
  });

  it('answers 404 no_service on another path', async () => {
    sink = await SlackSink.start(() => {});
    const res = await fetch(sink.url.replace('/services/demo', '/services/other'), {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('no_service');
  });
});
