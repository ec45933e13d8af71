import type { Counter, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import type { Clock } from '../../core/clock.js';
import { errorMessage, HeadroomError, isRetryable } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Notification, Notifier, SendResult } from '../../core/notifier.js';
import { redactSecrets } from '../../core/redact.js';
import { getMeter } from '../../core/telemetry.js';
import { sleep } from '../abort.js';
import type { OutboxConfig } from '../config.js';
import { severityRank } from '../incidents/severity.js';
import { backoffMs } from './backoff.js';
import type { OutboxMessage, OutboxStore } from './outbox-store.js';
import { outboxStatus, type Lane, type OutboxStatus } from './outbox-status.js';

export interface OutboxOptions {
  store: OutboxStore;
  notifiers: readonly Notifier[];
  config: OutboxConfig;
  clock: Clock;
  logger: Logger;
  /** Secret values to scrub from any error text before it is stored or logged. */
  secrets?: readonly string[];
  /** Called after a receiver accepted a message (e.g. to record a Slack thread on the incident). */
  onDelivered?: (message: OutboxMessage, result: SendResult) => Promise<void> | void;
  /** Jitter source in [0, 1); injectable for deterministic tests. */
  random?: () => number;
}

const RETENTION_MS = 7 * 24 * 3600_000;
const THREAD_RETENTION_MS = 30 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;
const WARN_EVERY_MS = 60_000;
/** Longest sleep of the background loop (it also wakes on enqueue). */
const MAX_IDLE_MS = 5_000;

/**
 * Durable delivery: every notification is stored (OutboxStore) before any send and removed only
 * once the receiver accepted it, so a Slack outage or a daemon restart (even kill -9) loses
 * nothing; delivery is at least once, each message carrying an idempotency key.
 *
 * One lane per notifier, strictly in order (a Slack thread needs its parent first), at most one
 * send in flight and at most one send start per `minIntervalMs` (Slack: one message per second
 * per webhook). A retryable failure waits the receiver's Retry-After when given, else an
 * exponential backoff with jitter (`initialBackoffMs` doubling to `maxBackoffMs`); the message
 * stays at the head of its lane. A refused message, or one older than `maxAgeHours`, is moved
 * aside as dead and counted.
 *
 * `deliverDue()` does one pass and says when the next one is due (tests drive it with a fake
 * clock); `start()` runs passes in the background until `stop()`.
 */
export class Outbox {
  private readonly lanes = new Map<string, Lane>();
  /** Earliest next send start per destination (rate key); lanes to one destination share it. */
  private readonly nextAllowedMs = new Map<string, number>();
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly deliveries: Counter;
  private readonly depthGauge: ObservableGauge;
  private readonly ageGauge: ObservableGauge;
  private lastPruneMs = 0;
  private loop: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: OutboxOptions) {
    this.log = options.logger.child({ component: 'alerts-outbox' });
    this.random = options.random ?? Math.random;
    for (const notifier of options.notifiers) {
      this.lanes.set(notifier.name, {
        notifier,
        inFlight: false,
        rateKey: notifier.rateKey ?? `name:${notifier.name}`,
        consecutiveFailures: 0,
        delivered: 0,
        failed: 0,
        dead: 0,
      });
    }
    const meter = getMeter();
    this.deliveries = meter.createCounter('headroom_alerts_deliveries', {
      description: 'Outbox send attempts by notifier and outcome (delivered, retry, dead, expired)',
    });
    this.depthGauge = meter.createObservableGauge('headroom_alerts_outbox_depth', {
      description: 'Messages in the alerts outbox by notifier and state (pending, dead)',
    });
    this.ageGauge = meter.createObservableGauge('headroom_alerts_outbox_oldest_age_seconds', {
      description: 'Age of the oldest pending message per notifier',
      unit: 's',
    });
    this.depthGauge.addCallback(this.observeDepth);
    this.ageGauge.addCallback(this.observeAge);
  }

  private readonly observeDepth = (result: ObservableResult): void => {
    for (const d of this.options.store.depth()) {
      result.observe(d.pending, { notifier: d.notifier, state: 'pending' });
      result.observe(d.dead, { notifier: d.notifier, state: 'dead' });
    }
  };

  private readonly observeAge = (result: ObservableResult): void => {
    const now = this.options.clock.now();
    for (const d of this.options.store.depth()) {
      result.observe(d.oldestPendingMs !== undefined ? (now - d.oldestPendingMs) / 1000 : 0, {
        notifier: d.notifier,
      });
    }
  };

  /**
   * Stores a notification for every notifier whose minimum severity it reaches; durable when
   * this returns. Returns how many messages were queued (replays of a known id are skipped).
   */
  enqueue(notification: Notification): number {
    const items = [...this.lanes.values()]
      .filter((lane) => severityRank(notification.severity) >= severityRank(lane.notifier.minSeverity))
      .map((lane) => ({
        id: `${notification.id}@${lane.notifier.name}`,
        notifier: lane.notifier.name,
        notification,
      }));
    if (items.length === 0) return 0;
    const added = this.options.store.enqueue(items, this.options.clock.now());
    this.wake?.();
    return added;
  }

  /**
   * One pass: each lane whose head is due and whose rate limit allows sends one message. Resolves
   * once those sends finished, with the earliest time something may be due next (undefined
   * when every lane is empty).
   */
  async deliverDue(signal: AbortSignal = new AbortController().signal): Promise<number | undefined> {
    const due: number[] = [];
    const sends: Promise<void>[] = [];
    this.pruneNow();
    for (const lane of this.lanes.values()) {
      const action = this.nextAction(lane, signal);
      if (action.message) sends.push(this.sendOne(lane, action.message, signal));
      else if (action.dueMs !== undefined) due.push(action.dueMs);
    }
    await Promise.all(sends);
    if (sends.length > 0) due.push(this.options.clock.now());
    return due.length > 0 ? Math.min(...due) : undefined;
  }

  /**
   * Runs in the background until stop(): lanes send independently (a slow receiver does not
   * hold up the others); the loop sleeps until the earliest due time, an enqueue, or the end
   * of a send.
   */
  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const sending = new Set<Promise<void>>();
    this.loop = (async () => {
      while (!signal.aborted) {
        const due: number[] = [];
        try {
          this.pruneNow();
          for (const lane of this.lanes.values()) {
            const action = this.nextAction(lane, signal);
            if (action.message) {
              const send = this.sendOne(lane, action.message, signal).finally(() => {
                sending.delete(send);
                this.wake?.();
              });
              sending.add(send);
            } else if (action.dueMs !== undefined) due.push(action.dueMs);
          }
        } catch (err) {
          this.log.error({ err: this.scrub(errorMessage(err)) }, 'outbox pass failed');
          due.push(this.options.clock.now() + 1_000);
        }
        const next = due.length > 0 ? Math.min(...due) : undefined;
        const waitMs =
          next === undefined
            ? MAX_IDLE_MS
            : Math.min(MAX_IDLE_MS, Math.max(5, next - this.options.clock.now()));
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          void sleep(waitMs, signal).then(resolve);
        });
        this.wake = undefined;
      }
      await Promise.allSettled([...sending]);
    })();
  }

  /** Stops the loop, waits for sends in flight (they are bounded by notifier timeouts). */
  async stop(): Promise<void> {
    this.abort?.abort();
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Closes the store; the outbox cannot be used afterwards. */
  async close(): Promise<void> {
    await this.stop();
    this.depthGauge.removeCallback(this.observeDepth);
    this.ageGauge.removeCallback(this.observeAge);
    this.options.store.close();
  }

  status(): OutboxStatus {
    return outboxStatus(this.lanes.values(), this.options.store.depth(), this.options.clock.now());
  }

  private pruneNow(): void {
    const now = this.options.clock.now();
    if (now - this.lastPruneMs < PRUNE_EVERY_MS) return;
    this.options.store.prune(now - RETENTION_MS, now - THREAD_RETENTION_MS);
    this.lastPruneMs = now;
  }

  /** The lane's head when it may be sent now, else when it will be due. Expires old heads. */
  private nextAction(lane: Lane, signal: AbortSignal): { message?: OutboxMessage; dueMs?: number } {
    if (lane.inFlight || signal.aborted) return {};
    const { store, clock, config } = this.options;
    const name = lane.notifier.name;
    const now = clock.now();
    let message = store.head(name);
    while (message && message.createdMs < now - config.maxAgeHours * 3600_000) {
      store.markDead(
        message,
        this.scrub(
          `expired after ${config.maxAgeHours} h undelivered: ${message.lastError ?? 'never tried'}`,
        ),
      );
      lane.dead += 1;
      this.deliveries.add(1, { notifier: name, outcome: 'expired' });
      this.log.warn({ notifier: name, id: message.id }, 'outbox message expired undelivered');
      message = store.head(name);
    }
    if (!message) return {};
    const dueMs = Math.max(message.nextAttemptMs, this.nextAllowedMs.get(lane.rateKey) ?? 0);
    if (dueMs > now) return { dueMs };
    lane.inFlight = true;
    this.nextAllowedMs.set(lane.rateKey, now + lane.notifier.minIntervalMs);
    return { message };
  }

  private async sendOne(lane: Lane, message: OutboxMessage, signal: AbortSignal): Promise<void> {
    const { store, clock } = this.options;
    const name = lane.notifier.name;
    try {
      const thread = store.thread(name, message.incidentId);
      const result = await lane.notifier.send(message.notification, {
        signal,
        ...(thread ? { thread } : {}),
      });
      const doneMs = clock.now();
      store.acknowledge(message, doneMs, result.thread);
      this.delivered(lane, message, doneMs);
      try {
        await this.options.onDelivered?.(message, result);
      } catch (err) {
        this.log.warn({ notifier: name, err: this.scrub(errorMessage(err)) }, 'after-delivery hook failed');
      }
    } catch (err) {
      try {
        this.failed(lane, message, err, signal);
      } catch (storeErr) {
        // The outbox file itself failed: the message stays pending and is tried again.
        this.log.error(
          { notifier: name, err: this.scrub(errorMessage(storeErr)) },
          'outbox bookkeeping failed',
        );
      }
    } finally {
      lane.inFlight = false;
    }
  }

  private delivered(lane: Lane, message: OutboxMessage, nowMs: number): void {
    if (lane.consecutiveFailures > 0) {
      this.log.info(
        { notifier: lane.notifier.name, failures: lane.consecutiveFailures },
        'notifier delivering again',
      );
    }
    lane.consecutiveFailures = 0;
    lane.delivered += 1;
    lane.lastDeliveredMs = nowMs;
    this.deliveries.add(1, { notifier: lane.notifier.name, outcome: 'delivered' });
    this.log.debug({ notifier: lane.notifier.name, id: message.id }, 'delivered');
  }

  private failed(lane: Lane, message: OutboxMessage, err: unknown, signal: AbortSignal): void {
    const { store, clock, config } = this.options;
    const name = lane.notifier.name;
    const now = clock.now();
    // Stopping mid-send: not the receiver's fault; the message is simply tried again later.
    if (signal.aborted) return;
    const text = this.scrub(errorMessage(err));
    lane.consecutiveFailures += 1;
    lane.failed += 1;
    lane.lastError = text;
    lane.lastErrorMs = now;
    if (isRetryable(err)) {
      const retryAfter = err instanceof HeadroomError ? err.retryAfterMs : undefined;
      const delay = retryAfter ?? backoffMs(message.attempts + 1, config, this.random);
      store.retryLater(message, text, now + delay);
      this.nextAllowedMs.set(
        lane.rateKey,
        Math.max(this.nextAllowedMs.get(lane.rateKey) ?? 0, now + (retryAfter ?? 0)),
      );
      this.deliveries.add(1, { notifier: name, outcome: 'retry' });
      if (lane.lastWarnMs === undefined || now - lane.lastWarnMs >= WARN_EVERY_MS) {
        lane.lastWarnMs = now;
        this.log.warn(
          { notifier: name, err: text, retryInMs: delay, attempts: message.attempts + 1 },
          'delivery failed; will retry',
        );
      }
    } else {
      store.markDead(message, text);
      lane.dead += 1;
      this.deliveries.add(1, { notifier: name, outcome: 'dead' });
      this.log.error({ notifier: name, id: message.id, err: text }, 'delivery refused; message set aside');
    }
  }

  private scrub(text: string): string {
    return redactSecrets(text, this.options.secrets ?? []);
  }
}
