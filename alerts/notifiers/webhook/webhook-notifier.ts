import { withTimeout } from '../../abort.js';
import type { Clock } from '../../../core/clock.js';
import { HeadroomError } from '../../../core/errors.js';
import type { Notification, Notifier, SendContext, SendResult } from '../../../core/notifier.js';
import { retryAfterMs } from '../retry-after.js';
import type { WebhookNotifierConfig } from './config.js';
import { SIGNATURE_HEADER, signBody, TIMESTAMP_HEADER } from './signature.js';

/** Version of the JSON body; bumped only on incompatible changes. */
export const WEBHOOK_BODY_VERSION = 1;

/**
 * Generic webhook: POSTs the notification as JSON, signed with HMAC-SHA256 (README.md beside
 * this file documents the body and headers). 2xx is accepted; 408, 425, 429 and 5xx are
 * retryable (Retry-After honoured); other statuses are refused. The URL, the signing key and
 * configured header values never appear in errors.
 */
export class WebhookNotifier implements Notifier {
  readonly kind = 'webhook';
  readonly name: string;
  readonly minIntervalMs: number;
  readonly minSeverity: Notification['severity'];

  constructor(
    private readonly config: WebhookNotifierConfig,
    private readonly clock: Clock,
  ) {
    this.name = config.name;
    this.minIntervalMs = config.minIntervalMs;
    this.minSeverity = config.minSeverity;
  }

  async send(notification: Notification, context: SendContext): Promise<SendResult> {
    const body = JSON.stringify({ version: WEBHOOK_BODY_VERSION, ...notification });
    const timestamp = Math.floor(this.clock.now() / 1000);
    const where = `webhook "${this.name}"`;
    let response: Response;
    try {
      response = await fetch(this.config.url, {
        method: 'POST',
        headers: {
          ...this.config.headers,
          'content-type': 'application/json',
          'user-agent': 'headroom-alerts',
          'idempotency-key': notification.id,
          'x-headroom-event': notification.event,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signBody(this.config.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: withTimeout(context.signal, this.config.timeoutMs),
      });
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string } };
      const code = e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.name ?? 'unknown');
      throw new HeadroomError('webhook_unreachable', `${where}: request failed (${code})`, {
        retryable: true,
      });
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return {};
    const status = response.status;
    const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
    const wait = retryAfterMs(response.headers.get('retry-after'), this.clock.now());
    throw new HeadroomError(
      status === 429 ? 'webhook_rate_limited' : 'webhook_rejected',
      `${where}: HTTP ${status}`,
      {
        retryable,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      },
    );
  }
}
