import { z } from 'zod';
import { notifierCommonShape, secretSchema } from '../common-config.js';

/**
 * Slack bot (Web API, `chat:write` scope): the first message of an incident goes to `channel`,
 * updates and the resolution go into its thread and the first message is edited to show the
 * current state.
 */
export const slackBotConfigSchema = z.strictObject({
  type: z.literal('slack-bot'),
  ...notifierCommonShape,
  /** Bot token (xoxb-…), or `env:NAME`. Never logged. */
  token: secretSchema('token', 8),
  /** Channel id (C…) or name (#alerts). */
  channel: z.string().min(1),
  /** Web API base URL; change it only for a proxy or a test double. */
  apiUrl: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
  /** Also show the resolution in the channel, not only in the thread. */
  broadcastResolved: z.boolean().default(true),
  /** chat.postMessage allows about one message per second per channel. */
  minIntervalMs: z.number().int().min(1_000).default(1_000),
});

export type SlackBotConfig = z.infer<typeof slackBotConfigSchema>;
