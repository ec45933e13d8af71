import { createHash } from 'node:crypto';
import type {
  Actuation,
  ActuationContext,
  ControlKind,
  ControlStates,
  Target,
} from '../../../core/actuator.js';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import { redactSecrets, redactUrl } from '../../../core/redact.js';
import type { Tags } from '../../../core/tags.js';
import { anySignal } from '../../any-signal.js';
import { canonicalJson, controlKey } from '../../control-states.js';
import type { TargetConfigOf } from '../../config.js';
import { isNetworkError, parseRetryAfter, retryableHttpStatus, targetError } from '../target-error.js';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.js';

/** Body of every delivery (`Content-Type: application/json`). */
export interface WebhookDelivery {
  type: 'headroom.actuation';
  schema: 1;
  /** Stable across retries of one decision (also sent as `Idempotency-Key`): receivers dedupe on it. */
  id: string;
  target: string;
  control: ControlKind;
  subject: Record<string, string>;
  desired: unknown;
  policy?: string;
  reasons?: readonly string[];
  sentAt: string;
}

/**
 * POSTs each actuation to a receiver (a Kong/Envoy control plane, anything custom), signed with
 * HMAC-SHA256 (webhook-signature.ts). Redirects are never followed (a 3xx is a permanent
 * failure: a moved receiver is a configuration problem, and following could leak the signed
 * body elsewhere); 408, 429 and 5xx are retryable with `Retry-After` passed on; other 4xx are
 * not. The receiver cannot be asked for its state, so `read` returns the last state it
 * acknowledged with a 2xx (unknown after a restart, so the next decision is sent again).
 */
export class WebhookTarget implements Target {
  readonly id: string;
  readonly kind = 'webhook';
  readonly controls: readonly ControlKind[];
  private readonly acknowledged = new Map<string, unknown>();
  private readonly secrets: readonly string[];
  private readonly safeUrl: string;

  constructor(
    private readonly config: TargetConfigOf<'webhook'>,
    private readonly deps: { logger: Logger; clock: Clock },
  ) {
    this.id = config.id;
    this.controls = config.controls;
    const url = new URL(config.url);
    this.safeUrl = redactUrl(config.url);
    this.secrets = [
      config.secret,
      ...Object.values(config.headers),
      ...Object.values(config.headers).map((v) => v.replace(/^\S+\s+/, '')),
      url.password,
      decodeURIComponent(url.password),
      ...[...url.searchParams.values()],
    ].filter((s) => s.length >= 4);
  }

  async read<C extends ControlKind>(
    control: C,
    subject: Tags,
    _signal?: AbortSignal,
  ): Promise<ControlStates[C] | undefined> {
    this.checkControl(control);
    return this.acknowledged.get(controlKey(control, subject)) as ControlStates[C] | undefined;
  }

  async apply(actuation: Actuation, signal: AbortSignal, context?: ActuationContext): Promise<void> {
    this.checkControl(actuation.control);
    const nowMs = this.deps.clock.now();
    const delivery: WebhookDelivery = {
      type: 'headroom.actuation',
      schema: 1,
      id: context?.decisionId ?? this.contentId(actuation),
      target: this.id,
      control: actuation.control,
      subject: { ...actuation.subject },
      desired: actuation.desired,
      ...(context ? { policy: context.policy, reasons: context.reasons } : {}),
      sentAt: new Date(nowMs).toISOString(),
    };
    const body = JSON.stringify(delivery);
    let response: Response;
    try {
      response = await fetch(this.config.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: anySignal([signal, AbortSignal.timeout(this.config.timeoutMs)]),
        headers: {
          ...this.config.headers,
          'Content-Type': 'application/json',
          'User-Agent': 'headroom-webhook/1',
          'Idempotency-Key': delivery.id,
          [SIGNATURE_HEADER]: signWebhook(this.config.secret, body, Math.floor(nowMs / 1000)),
        },
      });
    } catch (err) {
      const timedOut = (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError';
      throw targetError(
        timedOut ? 'webhook_timeout' : 'webhook_unreachable',
        `webhook ${this.safeUrl} ${timedOut ? 'did not answer in time' : 'is unreachable'}`,
        {
          retryable: timedOut || isNetworkError(err) || isNetworkError((err as Error)?.cause),
          cause: err,
          secrets: this.secrets,
        },
      );
    }
    const text = await response.text().catch(() => '');
    if (response.status >= 200 && response.status < 300) {
      this.acknowledged.set(controlKey(actuation.control, actuation.subject), actuation.desired);
      return;
    }
    const detail = redactSecrets(text.replace(/\s+/g, ' ').slice(0, 200), this.secrets);
    if (response.status >= 300 && response.status < 400) {
      throw targetError(
        'webhook_redirect',
        `webhook ${this.safeUrl} answered ${response.status} (redirect to ${redactUrl(response.headers.get('location') ?? '')}); redirects are not followed: fix the URL`,
        { retryable: false, secrets: this.secrets },
      );
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), nowMs);
    throw targetError(
      `webhook_http_${response.status}`,
      `webhook ${this.safeUrl} answered ${response.status}${detail ? `: ${detail}` : ''}`,
      {
        retryable: retryableHttpStatus(response.status),
        secrets: this.secrets,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      },
    );
  }

  /** Without a decision id: a digest of what is sent, so a retried delivery keeps its id. */
  private contentId(actuation: Actuation): string {
    return createHash('sha256')
      .update(canonicalJson([this.id, actuation.control, actuation.subject, actuation.desired]))
      .digest('hex')
      .slice(0, 32);
  }

  private checkControl(control: ControlKind): void {
    if (!this.controls.includes(control)) {
      throw targetError('unsupported_control', `webhook target ${this.id} is not configured for ${control}`, {
        retryable: false,
      });
    }
  }
}
