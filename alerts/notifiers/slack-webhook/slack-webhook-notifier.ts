import { IncomingWebhook } from '@slack/webhook';
import { digest } from '../digest.js';
import { HeadroomError } from '../../../core/errors.js';
import type { Notification, Notifier, SendContext, SendResult } from '../../../core/notifier.js';
import { redactSecrets } from '../../../core/redact.js';
import { CONFIG_ERROR_RETRY_MS, retryAfterMs } from '../retry-after.js';
import { slackMessage, textOnlyMessage } from '../slack-blocks.js';
import type { SlackWebhookConfig } from './config.js';

/**
 * @slack/webhook merges its constructor defaults (here `timeout`) into every JSON body; an
 * explicit undefined keeps it out of the payload (JSON.stringify drops it).
 */
const NO_DEFAULTS = { timeout: undefined };

/** Slack answers these (HTTP 400) when the message itself is wrong: resending it cannot help. */
const PAYLOAD_ERRORS = new Set([
  'invalid_payload',
  'invalid_blocks',
  'invalid_blocks_format',
  'no_text',
  'missing_text_or_fallback_or_attachments',
  'too_many_attachments',
  'msg_too_long',
]);

/**
 * Posts to a Slack incoming webhook (@slack/webhook). Incoming webhooks cannot thread or edit,
 * so every notification is its own message ("Update: …", "Resolved: …"). The webhook URL is a
 * secret: errors name the notifier, never the URL, and never carry the library's error (its
 * request config holds the URL).
 *
 * Slack's answers (api.slack.com changelog 2016-05-17, docs "Sending messages using incoming
 * webhooks"): 200 `ok`; 400 `invalid_payload` and friends; 403 `action_prohibited`; 404
 * `no_service` / `channel_not_found`; 410 `channel_is_archived`; 429 with Retry-After; 5xx.
 * When the blocks are refused the message is sent once more as plain text, so an
 * unforeseen layout problem never loses the alert.
 */
export class SlackWebhookNotifier implements Notifier {
  readonly kind = 'slack-webhook';
  readonly name: string;
  readonly minIntervalMs: number;
  readonly minSeverity: Notification['severity'];
  readonly rateKey: string;
  private readonly webhook: IncomingWebhook;

  constructor(private readonly config: SlackWebhookConfig) {
    this.name = config.name;
    this.minIntervalMs = config.minIntervalMs;
    this.minSeverity = config.minSeverity;
    this.rateKey = `slack-webhook:${digest(config.webhookUrl)}`;
    // retries: 0: the outbox owns retries. The timeout applies to the HTTP client; see NO_DEFAULTS.
    this.webhook = new IncomingWebhook(config.webhookUrl, {
      timeout: config.timeoutMs,
      retryConfig: { retries: 0 },
    });
  }

  async send(notification: Notification, context: SendContext): Promise<SendResult> {
    context.signal.throwIfAborted();
    try {
      await this.webhook.send({ ...slackMessage(notification), ...NO_DEFAULTS });
    } catch (err) {
      const error = this.classify(err);
      if (error.code !== 'slack_payload_refused') throw error;
      try {
        await this.webhook.send({ ...textOnlyMessage(notification), ...NO_DEFAULTS });
      } catch (retryErr) {
        throw this.classify(retryErr);
      }
    }
    return {};
  }

  private classify(err: unknown): HeadroomError {
    const e = err as {
      code?: string;
      original?: {
        code?: string;
        response?: { status?: number; data?: unknown; headers?: Record<string, unknown> };
      };
    };
    const where = `slack webhook "${this.name}"`;
    const response = e.original?.response;
    if (e.code === 'slack_webhook_http_error' && response?.status !== undefined) {
      const status = response.status;
      const body = this.safeBody(response.data);
      const message = `${where}: HTTP ${status}${body ? ` ${body}` : ''}`;
      if (status === 429) {
        return new HeadroomError('slack_rate_limited', message, {
          retryable: true,
          retryAfterMs: retryAfterMs(response.headers?.['retry-after']) ?? 1_000,
        });
      }
      if (status >= 500) return new HeadroomError('slack_unavailable', message, { retryable: true });
      if (status === 400 && PAYLOAD_ERRORS.has(body))
        return new HeadroomError('slack_payload_refused', message);
      if (status === 403 || status === 404 || status === 410) {
        return new HeadroomError('slack_webhook_unusable', message, {
          retryable: true,
          retryAfterMs: CONFIG_ERROR_RETRY_MS,
        });
      }
      return new HeadroomError('slack_rejected', message);
    }
    // No response: connection refused or reset, DNS, timeout. Only the error code is kept.
    const code = e.original?.code ?? e.code ?? 'unknown';
    return new HeadroomError('slack_unreachable', `${where}: request failed (${code})`, { retryable: true });
  }

  /** Slack's body is a short code (`invalid_payload`); anything else is cut and scrubbed. */
  private safeBody(data: unknown): string {
    const text = typeof data === 'string' ? data : '';
    return redactSecrets(text.slice(0, 80), [
      this.config.webhookUrl,
      new URL(this.config.webhookUrl).pathname,
    ])
      .replace(/\s+/g, ' ')
      .trim();
  }
}
