import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, systemClock, type Clock } from '../../core/clock.js';
import type { Notifier } from '../../core/notifier.js';
import { FakeSlack } from '../../test/helpers/fake-slack.js';
import { outboxConfigSchema, type OutboxConfig } from '../config.js';
import { slackBotConfigSchema } from '../notifiers/slack-bot/config.js';
import { SlackBotNotifier } from '../notifiers/slack-bot/slack-bot-notifier.js';
import { slackWebhookConfigSchema } from '../notifiers/slack-webhook/config.js';
import { SlackWebhookNotifier } from '../notifiers/slack-webhook/slack-webhook-notifier.js';
import { sampleNotification } from '../testing/notifications.js';
import { backoffMs } from './backoff.js';
import { Outbox } from './outbox.js';
import { OutboxStore } from './outbox-store.js';

const logger = pino({ level: 'silent' });
let dir: string;
let slack: FakeSlack;
let clock: FakeClock;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'headroom-outbox-'));
  clock = new FakeClock(Date.UTC(2026, 0, 5, 14, 0));
  slack = await FakeSlack.start({ now: () => clock.now(), enforceRateLimit: true });
});
afterEach(async () => {
  await slack.stop();
  rmSync(dir, { recursive: true, force: true });
});

function webhook(name = 'oncall', minSeverity: 'info' | 'warning' | 'critical' = 'warning'): Notifier {
  return new SlackWebhookNotifier(
    slackWebhookConfigSchema.parse({
      type: 'slack-webhook',
      name,
      webhookUrl: slack.webhookUrl,
      timeoutMs: 2_000,
      minSeverity,
    }),
  );
}

function outboxWith(
  notifiers: Notifier[],
  config: Partial<OutboxConfig> = {},
  c: Clock = clock,
  onDelivered?: ConstructorParameters<typeof Outbox>[0]['onDelivered'],
): Outbox {
  return new Outbox({
    store: new OutboxStore(join(dir, 'outbox.sqlite')),
    notifiers,
    config: outboxConfigSchema.parse(config),
    clock: c,
    logger,
    secrets: [slack.webhookUrl, slack.token],
    random: () => 0.5,
    ...(onDelivered ? { onDelivered } : {}),
  });
}

/** Advances the fake clock in `stepMs` steps, running a delivery pass at each, until `untilMs`. */
async function drive(
  outbox: Outbox,
  untilMs: number,
  stepMs = 100,
  onStep?: (now: number) => void,
): Promise<void> {
  while (clock.now() < untilMs) {
    onStep?.(clock.now());
    await outbox.deliverDue();
    clock.advance(stepMs);
  }
}

const incident = (i: number) => sampleNotification({ incidentId: `inc-${i}`, id: `inc-${i}#1` });

describe('Outbox', () => {
  it('loses nothing while Slack is down for 2 minutes, then sends at most 1 message per second', async () => {
    const outbox = outboxWith([webhook()]);
    const start = clock.now();
    for (let i = 0; i < 12; i++) outbox.enqueue(incident(i));
    slack.fail({ kind: 'down' });
    await drive(outbox, start + 2 * 60_000);
    expect(slack.accepted).toHaveLength(0);
    expect(outbox.status()).toMatchObject({ pending: 12, dead: 0 });
    expect(outbox.status().notifiers.oncall!.consecutiveFailures).toBeGreaterThan(3);
    slack.recover();
    await drive(outbox, start + 10 * 60_000);
    const ids = slack.accepted.map((r) => r.notificationId);
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => `inc-${i}#1`));
    const gaps = slack.accepted.slice(1).map((r, i) => r.atMs - slack.accepted[i]!.atMs);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
    expect(slack.rateLimitViolations).toBe(0);
    expect(outbox.status()).toMatchObject({ pending: 0, dead: 0 });
    await outbox.close();
  });

  it('waits what Retry-After says after a 429', async () => {
    const outbox = outboxWith([webhook()]);
    slack.fail({ kind: 'rate_limited', retryAfterSeconds: 30 }, 1);
    outbox.enqueue(incident(1));
    const start = clock.now();
    await drive(outbox, start + 29_900);
    expect(slack.receipts.map((r) => r.accepted)).toEqual([false]);
    await drive(outbox, start + 30_200);
    expect(slack.accepted).toHaveLength(1);
    expect(slack.accepted[0]!.atMs - start).toBe(30_000);
    await outbox.close();
  });

  it('sets a refused message aside and carries on with the next', async () => {
    const outbox = outboxWith([webhook()]);
    slack.fail({ kind: 'invalid_payload' }, 2);
    outbox.enqueue(incident(1));
    outbox.enqueue(incident(2));
    await drive(outbox, clock.now() + 5_000);
    expect(slack.accepted.map((r) => r.notificationId)).toEqual(['inc-2#1']);
    expect(outbox.status()).toMatchObject({ pending: 0, dead: 1 });
    expect(outbox.status().notifiers.oncall!.lastError).toBe(
      'slack webhook "oncall": HTTP 400 invalid_payload',
    );
    await outbox.close();
  });

  it('expires messages older than maxAgeHours (kept as dead)', async () => {
    const outbox = outboxWith([webhook()], { maxAgeHours: 0.01 });
    slack.fail({ kind: 'server_error' });
    outbox.enqueue(incident(1));
    await drive(outbox, clock.now() + 60_000, 1_000);
    expect(outbox.status()).toMatchObject({ pending: 0, dead: 1 });
    await outbox.close();
  });

  it('queues once per id, even after delivery (replays after a restart are ignored)', async () => {
    const outbox = outboxWith([webhook(), webhook('critical-only', 'critical')]);
    expect(outbox.enqueue(incident(1))).toBe(2);
    expect(outbox.enqueue(incident(1))).toBe(0);
    expect(outbox.enqueue(sampleNotification({ id: 'w#1', incidentId: 'w', severity: 'warning' }))).toBe(1);
    await drive(outbox, clock.now() + 10_000);
    expect(outbox.enqueue(incident(1))).toBe(0);
    expect(slack.accepted.map((r) => r.notificationId).sort()).toEqual(['inc-1#1', 'inc-1#1', 'w#1']);
    await outbox.close();
  });

  it('shares the 1 message per second between notifiers posting to the same webhook', async () => {
    const outbox = outboxWith([webhook('a', 'info'), webhook('b', 'info')]);
    for (let i = 0; i < 3; i++) outbox.enqueue(incident(i));
    await drive(outbox, clock.now() + 10_000);
    expect(slack.accepted).toHaveLength(6);
    const gaps = slack.accepted.slice(1).map((r, i) => r.atMs - slack.accepted[i]!.atMs);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
    await outbox.close();
  });

  it('keeps pending messages across a restart (reopening the file)', async () => {
    const first = outboxWith([webhook()]);
    slack.fail({ kind: 'down' });
    first.enqueue(incident(1));
    first.enqueue(incident(2));
    await drive(first, clock.now() + 3_000);
    await first.close();
    slack.recover();
    const second = outboxWith([webhook()]);
    expect(second.status().pending).toBe(2);
    await drive(second, clock.now() + 120_000);
    expect(slack.accepted.map((r) => r.notificationId)).toEqual(['inc-1#1', 'inc-2#1']);
    await second.close();
  });

  it('sends an incident’s later messages into the thread its first message started', async () => {
    const bot = new SlackBotNotifier(
      slackBotConfigSchema.parse({
        type: 'slack-bot',
        name: 'bot',
        token: slack.token,
        channel: 'alerts',
        apiUrl: slack.apiUrl,
      }),
      logger,
    );
    const threads: string[] = [];
    const outbox = outboxWith([bot], {}, clock, (message, result) => {
      if (result.thread) threads.push(`${message.incidentId}:${result.thread.ts}`);
    });
    outbox.enqueue(sampleNotification());
    outbox.enqueue(sampleNotification({ id: 'stripe-20260105-1405-ab12#2', sequence: 2, event: 'updated' }));
    await drive(outbox, clock.now() + 5_000);
    const [parent, update, reply] = slack.accepted;
    expect(threads).toEqual([`stripe-20260105-1405-ab12:${parent!.ts}`]);
    expect(update).toMatchObject({ surface: 'chat.update', ts: parent!.ts });
    expect(reply).toMatchObject({ surface: 'chat.postMessage', threadTs: parent!.ts });
    expect(reply!.atMs - parent!.atMs).toBeGreaterThanOrEqual(1_000);
    await outbox.close();
  });

  it('delivers in the background with the system clock', async () => {
    const live = await FakeSlack.start();
    const notifier = new SlackWebhookNotifier(
      slackWebhookConfigSchema.parse({ type: 'slack-webhook', name: 'live', webhookUrl: live.webhookUrl }),
    );
    const outbox = outboxWith([notifier], {}, systemClock);
    outbox.start();
    outbox.enqueue(incident(7));
    for (let i = 0; i < 1_000 && live.accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(live.accepted.map((r) => r.notificationId)).toEqual(['inc-7#1']);
    await outbox.close();
    await live.stop();
  });
});

describe('backoffMs', () => {
  it.each([
    [1, 0, 500],
    [1, 1, 1_000],
    [3, 0.5, 3_000],
    [20, 1, 300_000],
  ])('attempt %i, random %f → %i ms', (attempt, random, expected) => {
    expect(backoffMs(attempt, { initialBackoffMs: 1_000, maxBackoffMs: 300_000 }, () => random)).toBe(
      expected,
    );
  });
});
