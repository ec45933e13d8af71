import type { Notification, NotificationEvent, ThreadRef } from '../../core/notifier.js';
import type { IncidentBody } from '../../core/records/incident.js';
import type { StoredRecord } from '../../core/store.js';
import type { TagFilter } from '../../core/tags.js';
import type { AlertsSeverityConfig, AlertsTiming } from '../config.js';
import type { ErrorTemplateSummary } from '../summary/error-templates.js';
import type { Summary } from '../summary/summarizer.js';
import { actionFromDecision, forecastFromRecord, relevantTo } from './evidence.js';
import type { IncidentFacts } from './facts.js';
import { fingerprint } from './fingerprint.js';
import { groupFor, incidentId } from './grouping.js';
import { IncidentState } from './incident-state.js';
import { activeSilence } from './silences.js';

export interface IncidentEngineOptions {
  groupBy: readonly (readonly string[])[];
  timing: AlertsTiming;
  severity: AlertsSeverityConfig;
  summarize: (facts: IncidentFacts) => Summary;
  /** Error templates of a scope and window (the template miner), when collectors publish samples. */
  topErrors?: (where: TagFilter, fromMs: number, toMs: number) => ErrorTemplateSummary;
  /** Dashboard base URL for links. */
  dashboardUrl?: string;
}

export interface EngineInput {
  anomalies?: readonly StoredRecord<'anomaly'>[];
  decisions?: readonly StoredRecord<'decision'>[];
  forecasts?: readonly StoredRecord<'forecast'>[];
}

export interface IngestStats {
  accepted: number;
  duplicates: number;
  /** Anomalies older than the quiet period with no open incident, or from before a resolution. */
  stale: number;
  opened: number;
}

/** A message the engine wants sent (or, when `silencedBy` is set, recorded as suppressed). */
export interface IncidentNotice {
  readonly notification: Notification;
  readonly facts: IncidentFacts;
  readonly silencedBy?: string;
  /** The incident's notification bookkeeping before this message (for `retract`). */
  readonly previous: NonNullable<IncidentBody['notification']>;
}

/** Decisions and forecasts are remembered this long, to attach to an incident opened just after. */
const EVIDENCE_LOOKBACK_MS = 15 * 60_000;
const MAX_EVIDENCE = 500;
/** Resolved incidents stay in memory this long (late thread receipts, API reads). */
const RESOLVED_RETENTION_MS = 24 * 3600_000;

/**
 * Groups anomalies into incidents and decides, Alertmanager-style, when to notify. Pure apart
 * from the time passed in: no I/O, no timers; the AlertsService feeds it, persists what
 * `takeDirty` returns and queues what `tick` returns.
 *
 * - An anomaly joins the open incident of its group (grouping.ts) or opens one.
 * - `tick(now)`: an open incident is notified first `groupWait` after it started, then again
 *   when what it says changed (severity, breadth, signals, decisions, a doubling of the
 *   magnitude) but not sooner than `groupInterval` after the last message, and repeated after
 *   `repeatInterval` when unchanged. After `resolveAfter` without an anomaly it resolves, with
 *   a resolved message if anything was sent about it.
 * - A matching active silence suppresses a message (recorded on the timeline, not counted as
 *   sent, so the incident is announced once the silence ends).
 */
export class IncidentEngine {
  private readonly open = new Map<string, IncidentState>();
  private readonly resolved = new Map<string, IncidentState>();
  private readonly lastResolvedMs = new Map<string, number>();
  private readonly dirty = new Set<IncidentState>();
  /** Resolved incidents whose resolved message was retracted (queueing failed): sent again next tick. */
  private readonly unsentResolutions = new Set<IncidentState>();
  private decisions: StoredRecord<'decision'>[] = [];
  private forecasts: StoredRecord<'forecast'>[] = [];

  constructor(private readonly options: IncidentEngineOptions) {}

  /** Loads incidents read back from the store (open ones resume their timing). */
  restore(records: readonly StoredRecord<'incident'>[]): { restored: number; unreadable: number } {
    let restored = 0;
    let unreadable = 0;
    for (const record of records) {
      const state = IncidentState.fromRecord(record);
      if (!state) {
        unreadable += 1;
        continue;
      }
      restored += 1;
      if (state.status === 'open' && !this.open.has(state.group.key)) this.open.set(state.group.key, state);
      else this.resolved.set(state.id, state);
      if (state.resolvedMs !== undefined) {
        const known = this.lastResolvedMs.get(state.group.key) ?? 0;
        this.lastResolvedMs.set(state.group.key, Math.max(known, state.resolvedMs));
      }
    }
    return { restored, unreadable };
  }

  ingest(input: EngineInput, nowMs: number): IngestStats {
    const stats: IngestStats = { accepted: 0, duplicates: 0, stale: 0, opened: 0 };
    for (const forecast of input.forecasts ?? []) this.rememberForecast(forecast);
    for (const decision of input.decisions ?? []) this.addDecision(decision);
    const quietMs = this.options.timing.resolveAfterSeconds * 1000;
    const anomalies = [...(input.anomalies ?? [])].sort((a, b) => a.timeMs - b.timeMs);
    for (const anomaly of anomalies) {
      const group = groupFor(anomaly.tags, this.options.groupBy);
      let state = this.open.get(group.key);
      if (!state) {
        const resolvedAt = this.lastResolvedMs.get(group.key);
        if (anomaly.timeMs < nowMs - quietMs || (resolvedAt !== undefined && anomaly.timeMs < resolvedAt)) {
          stats.stale += 1;
          continue;
        }
        state = new IncidentState(incidentId(group, anomaly.timeMs), group, anomaly.timeMs);
        this.open.set(group.key, state);
        stats.opened += 1;
      }
      const outcome = state.addAnomaly(anomaly);
      if (outcome === 'duplicate') {
        stats.duplicates += 1;
        continue;
      }
      stats.accepted += 1;
      if (state.anomalyCount === 1 && outcome === 'added' && state.timeline.length === 0) {
        state.note(anomaly.timeMs, 'opened', `opened by ${anomaly.body.signal}: ${anomaly.body.explanation}`);
        this.attachRemembered(state);
      }
      this.dirty.add(state);
    }
    return stats;
  }

  /** Resolutions and messages due at `nowMs`. */
  tick(nowMs: number, silences: readonly StoredRecord<'silence'>[] = []): IncidentNotice[] {
    const { timing } = this.options;
    const notices: IncidentNotice[] = [];
    for (const [key, state] of [...this.open]) {
      let event: NotificationEvent | undefined;
      if (nowMs - state.lastAnomalyMs >= timing.resolveAfterSeconds * 1000) {
        state.status = 'resolved';
        state.resolvedMs = nowMs;
        state.updatedMs = nowMs;
        state.note(nowMs, 'resolved', `no anomaly since ${new Date(state.lastAnomalyMs).toISOString()}`);
        this.open.delete(key);
        this.resolved.set(state.id, state);
        this.lastResolvedMs.set(key, nowMs);
        this.dirty.add(state);
        if (state.notification.count > 0) event = 'resolved';
      } else {
        const facts = this.render(state, nowMs, false);
        const n = state.notification;
        if (n.count === 0) {
          if (nowMs >= state.startedMs + timing.groupWaitSeconds * 1000) event = 'opened';
        } else if (fingerprint(facts) !== n.lastFingerprint) {
          if (nowMs >= (n.lastSentMs ?? 0) + timing.groupIntervalSeconds * 1000) event = 'updated';
        } else if (nowMs >= (n.lastSentMs ?? 0) + timing.repeatIntervalSeconds * 1000) event = 'reminder';
      }
      if (!event) continue;
      const notice = this.notify(state, event, nowMs, silences);
      if (notice) notices.push(notice);
    }
    for (const state of this.unsentResolutions) {
      this.unsentResolutions.delete(state);
      const notice = this.notify(state, 'resolved', nowMs, silences);
      if (notice) notices.push(notice);
    }
    this.forgetOld(nowMs);
    return notices;
  }

  /** Incident records changed since the last call, rendered, to be written to the store. */
  takeDirty(nowMs: number): StoredRecord<'incident'>[] {
    const out: StoredRecord<'incident'>[] = [];
    for (const state of this.dirty) {
      this.render(state, nowMs);
      out.push(state.toRecord());
    }
    this.dirty.clear();
    return out;
  }

  /** Records where a notifier posted the incident (Slack thread); returns the record to store. */
  recordThread(
    id: string,
    notifier: string,
    thread: ThreadRef,
    nowMs: number,
  ): StoredRecord<'incident'> | undefined {
    const state = this.find(id);
    if (!state || state.threads[notifier]?.ts === thread.ts) return undefined;
    state.threads[notifier] = { channel: thread.channel, ts: thread.ts };
    state.note(nowMs, 'thread', `${notifier} thread started`);
    return state.toRecord();
  }

  /**
   * Takes back a message `tick` returned that could not be queued: the incident's bookkeeping
   * goes back to before it, so the next tick produces it again (same id).
   */
  retract(notice: IncidentNotice): void {
    const state = this.find(notice.notification.incidentId);
    if (!state || state.notification.count !== notice.notification.sequence) return;
    state.notification = { ...notice.previous };
    if (notice.notification.event === 'resolved') this.unsentResolutions.add(state);
    state.note(
      notice.notification.timeMs,
      'retracted',
      `${notice.notification.event} message #${notice.notification.sequence} not queued; will retry`,
    );
    this.dirty.add(state);
  }

  openIncidents(): readonly IncidentState[] {
    return [...this.open.values()];
  }

  find(id: string): IncidentState | undefined {
    return this.resolved.get(id) ?? [...this.open.values()].find((s) => s.id === id);
  }

  private notify(
    state: IncidentState,
    event: NotificationEvent,
    nowMs: number,
    silences: readonly StoredRecord<'silence'>[],
  ): IncidentNotice | undefined {
    const facts = this.render(state, nowMs);
    const silence = activeSilence(
      silences,
      {
        tags: state.group.tags,
        severity: state.severity,
        providers: facts.providers,
        services: facts.services,
        endpoints: facts.endpoints,
        signals: facts.series.map((s) => s.signal),
      },
      nowMs,
    );
    const n = state.notification;
    const previous = { ...n };
    const notification = this.notificationOf(state, event, n.count + 1, nowMs);
    this.dirty.add(state);
    if (silence) {
      if (n.suppressedBy === silence.id) return undefined;
      n.suppressedBy = silence.id;
      state.note(nowMs, 'suppressed', `${event} message suppressed by silence ${silence.id}`);
      return { notification, facts, silencedBy: silence.id, previous };
    }
    delete n.suppressedBy;
    n.count += 1;
    n.lastSentMs = nowMs;
    n.lastFingerprint = fingerprint(facts);
    state.note(nowMs, 'notified', `${event} message #${n.count} queued (${state.severity})`);
    return { notification, facts, previous };
  }

  private notificationOf(
    state: IncidentState,
    event: NotificationEvent,
    sequence: number,
    nowMs: number,
  ): Notification {
    const base = this.options.dashboardUrl?.replace(/\/+$/, '');
    return {
      id: `${state.id}#${sequence}`,
      incidentId: state.id,
      event,
      sequence,
      status: state.status,
      severity: state.severity,
      title: state.title,
      summary: state.summary,
      fields: state.fields.map((f) => ({ ...f })),
      tags: { ...state.group.tags },
      startedMs: state.startedMs,
      timeMs: nowMs,
      ...(state.resolvedMs !== undefined ? { resolvedMs: state.resolvedMs } : {}),
      links: base
        ? [{ label: 'Open in Headroom', url: `${base}/?incident=${encodeURIComponent(state.id)}` }]
        : [],
    };
  }

  /**
   * Renders facts and summary. Error templates (a scan of the sample ring) are looked up only
   * for what is stored or sent, not for the per-tick "is anything due" check: the fingerprint
   * does not depend on them.
   */
  private render(state: IncidentState, nowMs: number, withErrors = true): IncidentFacts {
    const until = state.resolvedMs ?? nowMs;
    const errors = withErrors
      ? this.options.topErrors?.(
          state.group.tags,
          state.startedMs - this.options.timing.groupWaitSeconds * 1000,
          until + 1,
        )
      : undefined;
    return state.render(nowMs, this.options.severity, this.options.summarize, errors);
  }

  private addDecision(decision: StoredRecord<'decision'>): void {
    if (decision.body.outcome === 'unchanged') return;
    this.decisions.push(decision);
    if (this.decisions.length > MAX_EVIDENCE) this.decisions.splice(0, this.decisions.length - MAX_EVIDENCE);
    for (const state of this.open.values()) {
      if (
        relevantTo(decision, state, EVIDENCE_LOOKBACK_MS) &&
        state.addAction(actionFromDecision(decision))
      ) {
        this.dirty.add(state);
      }
    }
  }

  private rememberForecast(forecast: StoredRecord<'forecast'>): void {
    this.forecasts.push(forecast);
    if (this.forecasts.length > MAX_EVIDENCE) this.forecasts.splice(0, this.forecasts.length - MAX_EVIDENCE);
    for (const state of this.open.values()) this.attachForecast(state, forecast);
  }

  /** Decisions and forecasts that came shortly before the incident opened. */
  private attachRemembered(state: IncidentState): void {
    for (const decision of this.decisions) {
      if (relevantTo(decision, state, EVIDENCE_LOOKBACK_MS)) state.addAction(actionFromDecision(decision));
    }
    for (const forecast of this.forecasts) this.attachForecast(state, forecast);
  }

  private attachForecast(state: IncidentState, forecast: StoredRecord<'forecast'>): void {
    if (!relevantTo(forecast, state, EVIDENCE_LOOKBACK_MS)) return;
    const signals = new Set([...state.series.values()].map((s) => s.signal));
    if (!signals.has(forecast.body.signal) && forecast.body.signal !== 'request_rate') return;
    if (state.forecast && state.forecast.issuedMs > forecast.timeMs) return;
    const fact = forecastFromRecord(forecast);
    if (fact) {
      state.forecast = fact;
      this.dirty.add(state);
    }
  }

  private forgetOld(nowMs: number): void {
    for (const [id, state] of this.resolved) {
      if ((state.resolvedMs ?? state.updatedMs) < nowMs - RESOLVED_RETENTION_MS) this.resolved.delete(id);
    }
    const horizon = nowMs - EVIDENCE_LOOKBACK_MS;
    this.decisions = this.decisions.filter((d) => d.timeMs >= horizon);
    this.forecasts = this.forecasts.filter((f) => f.timeMs >= horizon);
    for (const [key, at] of this.lastResolvedMs)
      if (at < nowMs - RESOLVED_RETENTION_MS) this.lastResolvedMs.delete(key);
  }
}
