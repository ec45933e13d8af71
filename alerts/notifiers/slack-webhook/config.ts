import { z } from 'zod';
import { notifierCommonShape, secretUrlSchema } from '../common-config.js';

/** Slack incoming webhook (https://hooks.slack.com/services/…). The URL is a secret. */
export const slackWebhookConfigSchema = z.strictObject({
  type: z.literal('slack-webhook'),
  ...notifierCommonShape,
  /** The incoming webhook URL, or `env:NAME`. Never logged. */
  webhookUrl: secretUrlSchema('webhookUrl'),
  /** Slack allows one message per second per webhook (short bursts tolerated); never less. */
  minIntervalMs: z.number().int().min(1_000).default(1_000),
});

export type SlackWebhookConfig = z.infer<typeof slackWebhookConfigSchema>;
