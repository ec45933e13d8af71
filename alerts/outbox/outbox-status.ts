import type { Notifier } from '../../core/notifier.js';
import type { OutboxDepth } from './outbox-store.js';

/** Per-notifier delivery state, for status() and logging. */
export interface Lane {
  readonly notifier: Notifier;
  inFlight: boolean;
  /** Rate-limit key (the notifier's destination). */
  readonly rateKey: string;
  consecutiveFailures: number;
  delivered: number;
  failed: number;
  dead: number;
  lastError?: string;
  lastErrorMs?: number;
  lastDeliveredMs?: number;
  lastWarnMs?: number;
}

export interface OutboxStatus {
  pending: number;
  dead: number;
  notifiers: Record<
    string,
    {
      kind: string;
      pending: number;
      dead: number;
      oldestPendingAgeSeconds?: number;
      consecutiveFailures: number;
      delivered: number;
      failed: number;
      lastError?: string;
      lastErrorMs?: number;
      lastDeliveredMs?: number;
    }
  >;
  /** Messages queued for notifiers that are no longer configured (kept, not sent). */
  orphaned: number;
}

/** What GET /api/v1/status shows of the outbox (no secrets: errors are scrubbed before they are kept). */
export function outboxStatus(
  lanes: Iterable<Lane>,
  depths: readonly OutboxDepth[],
  now: number,
): OutboxStatus {
  const list = [...lanes];
  const names = new Set(list.map((l) => l.notifier.name));
  const status: OutboxStatus = { pending: 0, dead: 0, notifiers: {}, orphaned: 0 };
  const depth = new Map(depths.map((d) => [d.notifier, d]));
  for (const d of depth.values()) {
    status.pending += d.pending;
    status.dead += d.dead;
    if (!names.has(d.notifier)) status.orphaned += d.pending;
  }
  for (const lane of list) {
    const name = lane.notifier.name;
    const d = depth.get(name);
    status.notifiers[name] = {
      kind: lane.notifier.kind,
      pending: d?.pending ?? 0,
      dead: d?.dead ?? 0,
      ...(d?.oldestPendingMs !== undefined
        ? { oldestPendingAgeSeconds: Math.round((now - d.oldestPendingMs) / 1000) }
        : {}),
      consecutiveFailures: lane.consecutiveFailures,
      delivered: lane.delivered,
      failed: lane.failed,
      ...(lane.lastError !== undefined ? { lastError: lane.lastError, lastErrorMs: lane.lastErrorMs } : {}),
      ...(lane.lastDeliveredMs !== undefined ? { lastDeliveredMs: lane.lastDeliveredMs } : {}),
    };
  }
  return status;
}
