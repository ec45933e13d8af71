import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateBlocks } from '../../test/helpers/fake-slack.js';
import { sampleNotification } from '../testing/notifications.js';
import { chunk, escapeMrkdwn, SLACK_LIMITS, slackMessage, truncate } from './slack-blocks.js';

describe('slackMessage', () => {
  it('lays out header, summary, key figures and a context line with the dashboard link', () => {
    const message = slackMessage(sampleNotification());
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(message.blocks[0]).toMatchObject({
      text: { type: 'plain_text', text: '🔴 stripe: p95 latency 4.2× normal on POST /v1/charges' },
    });
    expect(JSON.stringify(message.blocks[1])).toContain('`card_declined for customer &lt;*&gt;`');
    expect(JSON.stringify(message.blocks[3])).toContain(
      '<https://headroom.example.com/?incident=stripe-20260105-1405-ab12|Open in Headroom>',
    );
    expect(message.text).toMatch(/^🔴 stripe: p95 latency/);
    expect(validateBlocks(message.blocks)).toBeUndefined();
  });

  it.each([
    ['updated', 'open', '🔴 Update: '],
    ['reminder', 'open', '🔴 Still open: '],
    ['resolved', 'resolved', '✅ Resolved: '],
  ] as const)('marks %s messages', (event, status, prefix) => {
    const message = slackMessage(sampleNotification({ event, status }));
    expect((message.blocks[0] as { text: { text: string } }).text.text.startsWith(prefix)).toBe(true);
  });

  it('stays within Slack limits whatever the size of the content', () => {
    const huge = sampleNotification({
      title: 'x'.repeat(400),
      summary: `${'A long sentence about an incident & <its> causes. '.repeat(6_000)}`,
      fields: Array.from({ length: 25 }, (_, i) => ({ label: `Field ${i}`, value: 'v'.repeat(5_000) })),
    });
    const message = slackMessage(huge);
    expect(validateBlocks(message.blocks)).toBeUndefined();
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    const sections = message.blocks.filter((b) => b.type === 'section' && 'text' in b && b.text);
    expect(sections.length).toBe(SLACK_LIMITS.blocks - 3);
  });

  it('splits a long summary across sections without losing text', () => {
    const summary = Array.from({ length: 200 }, (_, i) => `Sentence ${i} says something useful.`).join(' ');
    const message = slackMessage(sampleNotification({ summary }));
    expect(validateBlocks(message.blocks)).toBeUndefined();
    const joined = message.blocks
      .filter((b) => b.type === 'section' && 'text' in b && b.text)
      .map((b) => (b as { text: { text: string } }).text.text)
      .join(' ');
    expect(joined).toBe(escapeMrkdwn(summary));
  });
});

describe('truncate and chunk', () => {
  it('never split an escape, a surrogate pair or leave a code span open (property)', () => {
    const text = fc
      .array(fc.constantFrom('a', ' ', '&', '<', '>', '`', '🔥', 'é', '.'), { maxLength: 400 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: 8, max: 300 }), (raw, max) => {
        const escaped = escapeMrkdwn(raw);
        const cut = truncate(escaped, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(cut).not.toMatch(/&(?!amp;|lt;|gt;)/);
        expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
        if (cut !== escaped) expect((cut.match(/`/g)?.length ?? 0) % 2).toBe(0);
        for (const piece of chunk(escaped, max)) {
          expect(piece.length).toBeLessThanOrEqual(max);
          expect(piece).not.toMatch(/&(?!amp;|lt;|gt;)/);
        }
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
