/**
 * A daemon stand-in for the kill -9 test (alerts/outbox/outbox-crash.test.ts): opens the outbox
 * file, optionally queues COUNT notifications, delivers in the background to a Slack incoming
 * webhook, prints progress lines on stdout, and exits 0 once the outbox is empty.
 *
 * Env: OUTBOX_PATH, SLACK_WEBHOOK_URL (a secret: never printed), COUNT, ENQUEUE=1|0.
 */
import pino from 'pino';
import { systemClock } from '../../core/clock.js';
import { outboxConfigSchema } from '../config.js';
import { slackWebhookConfigSchema } from '../notifiers/slack-webhook/config.js';
import { SlackWebhookNotifier } from '../notifiers/slack-webhook/slack-webhook-notifier.js';
import { Outbox } from '../outbox/outbox.js';
import { OutboxStore } from '../outbox/outbox-store.js';
import { sampleNotification } from './notifications.js';

const env = process.env;
const notifier = new SlackWebhookNotifier(
  slackWebhookConfigSchema.parse({
    type: 'slack-webhook',
    name: 'oncall',
    webhookUrl: env.SLACK_WEBHOOK_URL,
    timeoutMs: 60_000,
  }),
);
const outbox = new Outbox({
  store: new OutboxStore(env.OUTBOX_PATH!),
  notifiers: [notifier],
  config: outboxConfigSchema.parse({ initialBackoffMs: 50, maxBackoffMs: 200 }),
  clock: systemClock,
  logger: pino({ level: 'silent' }),
});
if (env.ENQUEUE === '1') {
  const count = Number(env.COUNT ?? '5');
  for (let i = 0; i < count; i++)
    outbox.enqueue(sampleNotification({ id: `child-${i}`, incidentId: `child-inc-${i}` }));
  console.log(`queued ${count}`);
}
outbox.start();
const timer = setInterval(() => {
  if (outbox.status().pending === 0) {
    clearInterval(timer);
    console.log('drained');
    void outbox.close().then(() => process.exit(0));
  }
}, 20);
