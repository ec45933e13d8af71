import {
  type ChatPostMessageArguments,
  LogLevel,
  WebClient,
  type Logger as SlackLogger,
} from '@slack/web-api';
import { HeadroomError } from '../../../core/errors.js';
import { digest } from '../digest.js';
import type { Logger } from '../../../core/logger.js';
import type { Notification, Notifier, SendContext, SendResult, ThreadRef } from '../../../core/notifier.js';
import { redactSecrets } from '../../../core/redact.js';
import { CONFIG_ERROR_RETRY_MS } from '../retry-after.js';
import { slackMessage, textOnlyMessage, type SlackMessage } from '../slack-blocks.js';
import type { SlackBotConfig } from './config.js';

/** Web API errors that mean the message was refused as written (retrying it cannot help). */
const PAYLOAD_ERRORS = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'msg_blocks_too_long',
  'no_text',
  'invalid_arguments',
  'too_many_attachments',
]);
/** Errors only a person can fix (token, scopes, channel): retried slowly, the message kept. */
const CONFIG_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'restricted_action',
  'no_permission',
  'team_access_not_granted',
]);
const TRANSIENT_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
/** chat.update refusals that must not block the thread reply. */
const UPDATE_SKIPPABLE = new Set([
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'channel_not_found',
]);

/**
 * Posts through the Slack Web API (@slack/web-api) as a bot: the first message of an incident
 * goes to the channel and becomes its thread; each later message first edits that parent
 * (chat.update: it always shows the incident's current state; idempotent, so a retry repeats it
 * harmlessly) and then replies in the thread (chat.postMessage with thread_ts), the resolution
 * also broadcast to the channel. The token is a secret: errors and logs never contain it.
 *
 * Slack's answers: HTTP 200 with `{ok: true, channel, ts}` or `{ok: false, error}`; HTTP 429
 * with Retry-After when rate limited (about one message per second per channel).
 */
export class SlackBotNotifier implements Notifier {
  readonly kind = 'slack-bot';
  readonly name: string;
  readonly minIntervalMs: number;
  readonly minSeverity: Notification['severity'];
  readonly rateKey: string;
  private readonly client: WebClient;

  constructor(
    private readonly config: SlackBotConfig,
    logger: Logger,
  ) {
    this.name = config.name;
    this.minIntervalMs = config.minIntervalMs;
    this.minSeverity = config.minSeverity;
    this.rateKey = `slack-bot:${digest(`${config.apiUrl}|${config.token}`)}:${config.channel.replace(/^#/, '')}`;
    this.client = new WebClient(config.token, {
      slackApiUrl: config.apiUrl,
      // The outbox owns retries and waits; a 429 must come back to it at once.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: config.timeoutMs,
      logger: quietLogger(logger.child({ component: 'slack-web-api', notifier: config.name }), [
        config.token,
      ]),
    });
  }

  async send(notification: Notification, context: SendContext): Promise<SendResult> {
    context.signal.throwIfAborted();
    if (!context.thread) {
      const posted = await this.post(notification, slackMessage(notification));
      return { thread: posted };
    }
    await this.updateParent(notification, context.thread);
    context.signal.throwIfAborted();
    try {
      await this.post(notification, slackMessage(notification), context.thread);
    } catch (err) {
      // The parent is gone (deleted by someone): start a new thread rather than lose the message.
      if (err instanceof HeadroomError && err.code === 'slack_thread_gone') {
        return { thread: await this.post(notification, slackMessage(notification, 'opened')) };
      }
      throw err;
    }
    return {};
  }

  private async post(n: Notification, message: SlackMessage, thread?: ThreadRef): Promise<ThreadRef> {
    const args = {
      channel: thread?.channel ?? this.config.channel,
      ...(thread
        ? { thread_ts: thread.ts, reply_broadcast: n.event === 'resolved' && this.config.broadcastResolved }
        : {}),
      unfurl_links: false,
      unfurl_media: false,
    };
    try {
      const result = await this.client.chat.postMessage({
        ...args,
        text: message.text,
        blocks: message.blocks,
      } as ChatPostMessageArguments);
      return { channel: String(result.channel ?? args.channel), ts: String(result.ts) };
    } catch (err) {
      const error = this.classify(err, 'chat.postMessage');
      if (error.code === 'slack_thread_gone' || error.code !== 'slack_payload_refused') throw error;
      try {
        const result = await this.client.chat.postMessage({
          ...args,
          ...textOnlyMessage(n),
        } as ChatPostMessageArguments);
        return { channel: String(result.channel ?? args.channel), ts: String(result.ts) };
      } catch (retryErr) {
        throw this.classify(retryErr, 'chat.postMessage');
      }
    }
  }

  private async updateParent(n: Notification, thread: ThreadRef): Promise<void> {
    const parent = slackMessage(n, n.status === 'resolved' ? 'resolved' : 'opened');
    try {
      await this.client.chat.update({
        channel: thread.channel,
        ts: thread.ts,
        text: parent.text,
        blocks: parent.blocks as never,
      });
    } catch (err) {
      const error = this.classify(err, 'chat.update');
      if (error.retryable && error.code !== 'slack_config') throw error;
      // The parent cannot be edited (deleted, too old, refused blocks): the reply still goes out.
      if (!UPDATE_SKIPPABLE.has(platformError(err) ?? '') && error.code !== 'slack_payload_refused')
        throw error;
    }
  }

  private classify(err: unknown, method: string): HeadroomError {
    const e = err as {
      code?: string;
      retryAfter?: number;
      statusCode?: number;
      data?: { error?: unknown };
      original?: { code?: string };
    };
    const where = `slack bot "${this.name}" ${method}`;
    switch (e.code) {
      case 'slack_webapi_rate_limited_error':
        return new HeadroomError('slack_rate_limited', `${where}: rate limited`, {
          retryable: true,
          retryAfterMs: (e.retryAfter ?? 1) * 1000,
        });
      case 'slack_webapi_platform_error': {
        const code = this.safe(platformError(err) ?? 'unknown');
        const message = `${where}: ${code}`;
        if (code === 'thread_not_found') return new HeadroomError('slack_thread_gone', message);
        if (PAYLOAD_ERRORS.has(code)) return new HeadroomError('slack_payload_refused', message);
        if (TRANSIENT_ERRORS.has(code))
          return new HeadroomError('slack_unavailable', message, { retryable: true });
        if (CONFIG_ERRORS.has(code)) {
          return new HeadroomError('slack_config', message, {
            retryable: true,
            retryAfterMs: CONFIG_ERROR_RETRY_MS,
          });
        }
        return new HeadroomError('slack_rejected', message);
      }
      case 'slack_webapi_http_error': {
        const status = e.statusCode ?? 0;
        return new HeadroomError('slack_unavailable', `${where}: HTTP ${status}`, {
          retryable: status >= 500 || status === 408,
        });
      }
      default:
        return new HeadroomError(
          'slack_unreachable',
          `${where}: request failed (${this.safe(e.original?.code ?? e.code ?? 'unknown')})`,
          {
            retryable: true,
          },
        );
    }
  }

  private safe(text: string): string {
    return redactSecrets(text.slice(0, 80), [this.config.token]);
  }
}

function platformError(err: unknown): string | undefined {
  const code = (err as { data?: { error?: unknown } }).data?.error;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The Web API client's logger, bound to ours: its own lines are demoted to debug (the outbox
 * counts and reports failures) and scrubbed of the token.
 */
function quietLogger(log: Logger, secrets: readonly string[]): SlackLogger {
  const write = (...msg: unknown[]): void => {
    if (log.isLevelEnabled('debug'))
      log.debug(
        redactSecrets(msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' '), secrets),
      );
  };
  return {
    debug: () => {},
    info: write,
    warn: write,
    error: write,
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: () => {},
  };
}
