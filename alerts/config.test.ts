import { afterEach, describe, expect, it } from 'vitest';
import { alertsConfigSchema } from './config.js';

afterEach(() => {
  delete process.env.TEST_SLACK_WEBHOOK;
});

describe('alerts config', () => {
  it('has Alertmanager-like defaults and no notifier', () => {
    const config = alertsConfigSchema.parse({});
    expect(config.timing).toEqual({
      groupWaitSeconds: 30,
      groupIntervalSeconds: 300,
      repeatIntervalSeconds: 14_400,
      resolveAfterSeconds: 600,
    });
    expect(config.groupBy).toEqual([['provider'], ['service']]);
    expect(config.llm.mode).toBe('off');
    expect(config.notifiers).toEqual([]);
  });

  it('reads secrets from the environment with env:NAME', () => {
    process.env.TEST_SLACK_WEBHOOK = 'https://hooks.slack.com/services/T1/B2/abcdef';
    const config = alertsConfigSchema.parse({
      notifiers: [{ type: 'slack-webhook', name: 'oncall', webhookUrl: 'env:TEST_SLACK_WEBHOOK' }],
    });
    expect(config.notifiers[0]).toMatchObject({
      webhookUrl: 'https://hooks.slack.com/services/T1/B2/abcdef',
      minIntervalMs: 1_000,
      minSeverity: 'warning',
    });
  });

  it.each([
    [
      { notifiers: [{ type: 'slack-webhook', name: 'a', webhookUrl: 'env:TEST_SLACK_WEBHOOK' }] },
      'notifiers.0.webhookUrl',
      'environment variable TEST_SLACK_WEBHOOK',
    ],
    [
      { notifiers: [{ type: 'slack-webhook', name: 'a', webhookUrl: 'not a url secret-value' }] },
      'notifiers.0.webhookUrl',
      'must be an http(s) URL',
    ],
    [
      { notifiers: [{ type: 'slack-webhook', name: 'a', webhookUrl: 'https://h/x', minIntervalMs: 200 }] },
      'notifiers.0.minIntervalMs',
      '',
    ],
    [
      { notifiers: [{ type: 'webhook', name: 'w', url: 'https://h/x', secret: 'short' }] },
      'notifiers.0.secret',
      'at least 16',
    ],
    [
      { notifiers: [{ type: 'slack-bot', name: 'b', token: 'xoxb-1234567', channel: '' }] },
      'notifiers.0.channel',
      '',
    ],
    [{ notifiers: [{ type: 'pagerduty', name: 'p' }] }, 'notifiers.0.type', ''],
    [
      {
        notifiers: [
          { type: 'webhook', name: 'x', url: 'https://a/b', secret: '0123456789abcdef' },
          { type: 'webhook', name: 'x', url: 'https://a/c', secret: '0123456789abcdef' },
        ],
      },
      'notifiers',
      'unique',
    ],
    [{ llm: { mode: 'rewrite' } }, 'llm.mode', 'needs baseUrl and model'],
    [{ groupBy: [] }, 'groupBy', ''],
    [{ timing: { groupWait: 30 } }, 'timing', ''],
  ])('rejects %j at %s', (input, path, message) => {
    const result = alertsConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path.join('.') === path);
    expect(issue, JSON.stringify(result.error!.issues)).toBeDefined();
    expect(issue!.message).toContain(message);
    // A secret never appears in a validation message.
    expect(JSON.stringify(result.error!.issues)).not.toContain('secret-value');
  });
});
