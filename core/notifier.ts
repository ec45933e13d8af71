import type { Tags } from './tags.js';

export const NOTIFICATION_EVENTS = ['opened', 'updated', 'reminder', 'resolved'] as const;
/**
 * Why a notification is sent: the first message of an incident (`opened`), a material change
 * (`updated`, at most every group_interval), an unchanged open incident repeated after
 * repeat_interval (`reminder`), the end (`resolved`).
 */
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** A key figure shown beside the summary ("Peak p95": "760 ms"). */
export interface NotificationField {
  readonly label: string;
  readonly value: string;
}

export interface NotificationLink {
  readonly label: string;
  readonly url: string;
}

/**
 * One message about one incident, as the alerts engine wrote it. Plain JSON (it is stored in the
 * durable outbox as is) and free of secrets; each notifier renders it in its own format.
 */
export interface Notification {
  /** Idempotency key: stable across retries and restarts; receivers may dedupe on it. */
  readonly id: string;
  readonly incidentId: string;
  readonly event: NotificationEvent;
  /** 1 for the first message of the incident, then 2, 3... */
  readonly sequence: number;
  readonly status: 'open' | 'resolved';
  readonly severity: 'info' | 'warning' | 'critical';
  /** Under 90 characters, plain text. */
  readonly title: string;
  /** A few plain sentences (may contain `backtick` spans for identifiers and error templates). */
  readonly summary: string;
  readonly fields: readonly NotificationField[];
  /** The incident's grouping tags (provider and/or service). */
  readonly tags: Tags;
  readonly startedMs: number;
  /** When this message was written. */
  readonly timeMs: number;
  readonly resolvedMs?: number;
  readonly links: readonly NotificationLink[];
}

/** Where a notifier posted an incident's first message, so later ones go into its thread. */
export interface ThreadRef {
  /** Channel id as the receiver returned it (Slack: `C…`; chat.update needs the id, not a name). */
  readonly channel: string;
  readonly ts: string;
}

export interface SendContext {
  readonly signal: AbortSignal;
  /** The incident's thread with this notifier, when an earlier message created one. */
  readonly thread?: ThreadRef;
}

export interface SendResult {
  /** Set when this send created the incident's thread (first message with a threading notifier). */
  readonly thread?: ThreadRef;
}

/**
 * A notification channel (Slack incoming webhook, Slack bot, generic webhook). It does one job:
 * deliver one message once. Retries, backoff, rate limiting and durability live in the outbox
 * (alerts/outbox), which calls `send` for one message at a time per notifier.
 *
 * `send` resolves when the receiver accepted the message. It rejects with a HeadroomError whose
 * `retryable` says whether trying again can help (429, 5xx, timeouts, connection errors) and
 * whose `retryAfterMs` carries the receiver's Retry-After when it gave one. Error messages and
 * logs never contain secrets (webhook URLs, tokens, signing keys): name the notifier instead.
 */
export interface Notifier {
  /** Configured name, unique; the outbox queues per name. */
  readonly name: string;
  /** Type id from alerts/notifiers/registry.ts ('slack-webhook', 'slack-bot', 'webhook'). */
  readonly kind: string;
  /** Least time between two sends (Slack: one message per second per webhook or channel). */
  readonly minIntervalMs: number;
  /**
   * Notifiers with the same key post to the same destination and share `minIntervalMs` (two
   * names configured with one webhook). A digest, never the secret itself; default: the name.
   */
  readonly rateKey?: string;
  /** Notifications below this severity are not queued for this notifier. */
  readonly minSeverity: Notification['severity'];
  send(notification: Notification, context: SendContext): Promise<SendResult>;
}
