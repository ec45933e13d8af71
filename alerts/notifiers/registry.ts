import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { Notifier } from '../../core/notifier.js';
import type { NotifierConfig } from '../config.js';
import { SlackBotNotifier } from './slack-bot/slack-bot-notifier.js';
import { SlackWebhookNotifier } from './slack-webhook/slack-webhook-notifier.js';
import { WebhookNotifier } from './webhook/webhook-notifier.js';

export interface NotifierDeps {
  logger: Logger;
  clock: Clock;
}

type Factories = {
  [K in NotifierConfig['type']]: (
    config: Extract<NotifierConfig, { type: K }>,
    deps: NotifierDeps,
  ) => Notifier;
};

/** Every notifier type, by type id (sorted). Adding a type is adding a line here. */
export const NOTIFIER_FACTORIES: Factories = {
  'slack-bot': (config, deps) => new SlackBotNotifier(config, deps.logger),
  'slack-webhook': (config) => new SlackWebhookNotifier(config),
  webhook: (config, deps) => new WebhookNotifier(config, deps.clock),
};

export function createNotifier(config: NotifierConfig, deps: NotifierDeps): Notifier {
  const factory = NOTIFIER_FACTORIES[config.type] as (config: NotifierConfig, deps: NotifierDeps) => Notifier;
  return factory(config, deps);
}

/** The secret values of a notifier's config (for redaction and for tests that look for leaks). */
export function notifierSecrets(config: NotifierConfig): string[] {
  switch (config.type) {
    case 'slack-bot':
      return [config.token];
    case 'slack-webhook':
      return [config.webhookUrl, new URL(config.webhookUrl).pathname];
    case 'webhook':
      return [config.url, config.secret, ...Object.values(config.headers)];
  }
}
