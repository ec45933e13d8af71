import { join } from 'node:path';
import type { Counter, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import type { Clock } from '../core/clock.js';
import type { Component, ComponentHealth } from '../core/component.js';
import type { ErrorSampleSink } from '../core/error-samples.js';
import { DeferredLoad } from '../core/deferred-load.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Notifier } from '../core/notifier.js';
import type { StoredRecord } from '../core/store.js';
import { getMeter } from '../core/telemetry.js';
import type { AlertsConfig } from './config.js';
import {
  IncidentEngine,
  type EngineInput,
  type IncidentNotice,
  type IngestStats,
} from './incidents/incident-engine.js';
import { queryIncidents, type IncidentQuery } from './incidents/incident-query.js';
import { SilenceBook, type NewSilence } from './incidents/silence-book.js';
import { createNotifier, notifierSecrets } from './notifiers/registry.js';
import { Outbox } from './outbox/outbox.js';
import type { OutboxStatus } from './outbox/outbox-status.js';
import { OutboxStore } from './outbox/outbox-store.js';
import { ErrorTemplateCollector } from './summary/error-templates.js';
import { LlmRewriter } from './summary/llm-rewriter.js';
import { checkNumbers } from './summary/number-checker.js';
import { summarize } from './summary/summarizer.js';

import type { RecordStore } from './record-store.js';

export type { RecordStore };

export interface AlertsServiceOptions {
  config: AlertsConfig;
  store: RecordStore;
  logger: Logger;
  clock: Clock;
  /** The daemon's data dir; the outbox file defaults to `<dataDir>/alerts-outbox.sqlite`. */
  dataDir: string;
  /** Dashboard base URL for links when `alerts.dashboardUrl` is unset (api.publicUrl). */
  dashboardUrl?: string;
  /** Notifiers to use instead of building them from config (tests). */
  notifiers?: readonly Notifier[];
  /** `background` (default): the outbox delivers on its own; `manual`: call `deliverDue()`. */
  delivery?: 'background' | 'manual';
  /** Jitter source for retry backoff (tests). */
  random?: () => number;
}

export type { IncidentQuery } from './incidents/incident-query.js';
export type { NewSilence } from './incidents/silence-book.js';

export type TickResult = { queued: number; silenced: number; messages: number };

/** Open incidents are looked for this far back at start (older ones are long stale). */
const RESTORE_WINDOW_MS = 30 * 24 * 3600_000;

/**
 * Headroom's alerting, one entry point for the daemon:
 *
 * - `start()` opens the outbox, restores open incidents and silences from the store and starts
 *   delivery; `stop()` stops delivery (nothing queued is lost) and closes the outbox.
 * - `ingest({ anomalies, decisions, forecasts })`: the control loop hands over what it stored
 *   since the last call (duplicates are ignored); incidents are updated and written back.
 * - `tick()`: call every few seconds (a scheduler job); resolves quiet incidents and queues the
 *   messages due (group_wait / group_interval / repeat_interval), after the optional LLM
 *   rewrite. Ingest and tick are serialised.
 * - `errorSink`: give it to the collectors (core/error-samples.ts) for error templates.
 * - incidents and silences for the API (`listIncidents`, `createSilence`, `listSilences`,
 *   `expireSilence`); `status()` for GET /api/v1/status; `health()`.
 */
export class AlertsService implements Component {
  readonly name = 'alerts';
  readonly errors: ErrorTemplateCollector;
  private readonly engine: IncidentEngine;
  private readonly log: Logger;
  private readonly llm: LlmRewriter;
  private readonly notifiers: readonly Notifier[];
  private readonly secrets: string[];
  private outbox: Outbox | undefined;
  private readonly silences: SilenceBook;
  private unsaved = new Map<string, StoredRecord<'incident'>>();
  private queue: Promise<unknown> = Promise.resolve();
  private abort = new AbortController();
  private readonly counters: { notifications: Counter; opened: Counter; checkFailures: Counter };
  private readonly openGauge: ObservableGauge;
  private readonly observeOpen = (result: ObservableResult): void =>
    result.observe(this.engine.openIncidents().length);
  private checkFailures = 0;
  private llmOutcomes: Record<string, number> = {};
  private started = false;
  /** Open incidents and silences, read back at start or on a later tick if the store was down. */
  private restoring: DeferredLoad | undefined;
  private restored = 0;

  constructor(private readonly options: AlertsServiceOptions) {
    const { config, clock, logger } = options;
    this.log = logger.child({ component: 'alerts' });
    this.errors = new ErrorTemplateCollector(config.errorTemplates, clock);
    this.engine = new IncidentEngine({
      groupBy: config.groupBy,
      timing: config.timing,
      severity: config.severity,
      summarize,
      topErrors: (where, from, to) => this.errors.top(where, from, to),
      ...((config.dashboardUrl ?? options.dashboardUrl)
        ? { dashboardUrl: config.dashboardUrl ?? options.dashboardUrl }
        : {}),
    });
    this.llm = new LlmRewriter(config.llm, logger);
    this.silences = new SilenceBook(options.store, clock, this.log);
    this.notifiers = options.notifiers ?? config.notifiers.map((n) => createNotifier(n, { logger, clock }));
    this.secrets = [
      ...config.notifiers.flatMap(notifierSecrets),
      ...(config.llm.apiKey ? [config.llm.apiKey] : []),
    ];
    const meter = getMeter();
    this.counters = {
      notifications: meter.createCounter('headroom_alerts_notifications', {
        description: 'Incident messages by event and outcome (queued, silenced)',
      }),
      opened: meter.createCounter('headroom_alerts_incidents_opened', { description: 'Incidents opened' }),
      checkFailures: meter.createCounter('headroom_alerts_summary_number_check_failures', {
        description: 'Template summaries holding a number not found in their facts (a bug)',
      }),
    };
    this.openGauge = meter.createObservableGauge('headroom_alerts_open_incidents', {
      description: 'Open incidents',
    });
  }

  /** Collectors publish error texts here (a cheap, never-throwing sink). */
  get errorSink(): ErrorSampleSink {
    return this.errors;
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (this.started) return;
    const { config, clock } = this.options;
    const path = config.outbox.path ?? join(this.options.dataDir, 'alerts-outbox.sqlite');
    this.outbox = new Outbox({
      store: new OutboxStore(path),
      notifiers: this.notifiers,
      config: config.outbox,
      clock,
      logger: this.options.logger,
      secrets: this.secrets,
      onDelivered: (message, result) =>
        result.thread ? this.recordThread(message.incidentId, message.notifier, result.thread) : undefined,
      ...(this.options.random ? { random: this.options.random } : {}),
    });
    this.restoring = new DeferredLoad(
      () => this.restore(),
      this.log,
      'open incidents and silences restored later',
    );
    try {
      await this.restoring.start();
    } catch (err) {
      await this.outbox.close();
      this.outbox = undefined;
      throw err;
    }
    this.abort = new AbortController();
    signal?.addEventListener('abort', () => this.abort.abort(), { once: true });
    if ((this.options.delivery ?? 'background') === 'background') this.outbox.start();
    this.openGauge.addCallback(this.observeOpen);
    this.started = true;
    this.log.info(
      {
        notifiers: this.notifiers.map((n) => `${n.name} (${n.kind})`),
        restored: this.restored,
        silences: this.silences.list('active').length,
        outbox: path,
      },
      'alerts started',
    );
  }

  async stop(): Promise<void> {
    this.openGauge.removeCallback(this.observeOpen);
    this.abort.abort();
    await this.queue.catch(() => undefined);
    await this.outbox?.close();
    this.outbox = undefined;
    this.started = false;
  }

  /** Restores open incidents and silences from the store. */
  private async restore(): Promise<void> {
    const { store, clock } = this.options;
    const incidents = await store.queryRecords({
      kind: 'incident',
      from: clock.now() - RESTORE_WINDOW_MS,
      order: 'asc',
      limit: 5_000,
    });
    const result = this.engine.restore(incidents);
    if (result.unreadable > 0) {
      this.log.warn(
        { unreadable: result.unreadable },
        'some stored incidents could not be read back; left as they are',
      );
    }
    await this.silences.load();
    this.restored = result.restored;
  }

  /** Feeds new anomalies, decisions and forecasts; writes the incidents they changed. */
  ingest(input: EngineInput): Promise<IngestStats> {
    return this.serial(async () => {
      const stats = this.engine.ingest(input, this.options.clock.now());
      if (stats.opened > 0) this.counters.opened.add(stats.opened);
      await this.persist();
      return stats;
    });
  }

  /** Resolves quiet incidents and queues the messages due now. */
  tick(): Promise<TickResult> {
    return this.serial(async () => {
      await this.restoring?.ensure();
      const now = this.options.clock.now();
      const outbox = this.requireOutbox();
      const notices = this.engine.tick(now, this.silences.all());
      const result: TickResult = { queued: 0, silenced: 0, messages: 0 };
      const sendable = notices.filter((notice) => {
        if (!notice.silencedBy) return true;
        result.silenced += 1;
        this.counters.notifications.add(1, { event: notice.notification.event, outcome: 'silenced' });
        return false;
      });
      // Rewrites run side by side: a slow LLM costs one timeout per tick, not one per message.
      const texts = await Promise.all(sendable.map((notice) => this.finalSummary(notice)));
      sendable.forEach((notice, i) => {
        const { notification } = notice;
        try {
          result.messages += outbox.enqueue({ ...notification, summary: texts[i]! });
          result.queued += 1;
          this.counters.notifications.add(1, { event: notification.event, outcome: 'queued' });
        } catch (err) {
          // Not durable, so not sent: the engine takes it back and the next tick tries again.
          this.engine.retract(notice);
          this.log.error(
            { incident: notification.incidentId, err: errorMessage(err) },
            'queueing a message failed',
          );
        }
      });
      await this.persist();
      return result;
    });
  }

  /** The summary to send: checked against its facts, then the optional LLM rewrite. */
  private async finalSummary(notice: IncidentNotice): Promise<string> {
    const { notification, facts } = notice;
    const text = [notification.title, notification.summary, ...notification.fields.map((f) => f.value)].join(
      '\n',
    );
    const check = checkNumbers(text, facts);
    if (!check.ok) {
      this.checkFailures += 1;
      this.counters.checkFailures.add(1);
      this.log.error(
        { incident: notification.incidentId, unknown: check.unknown },
        'summary holds numbers not in its facts',
      );
    }
    const rewrite = await this.llm.rewrite(notification.summary, facts, this.abort.signal);
    this.llmOutcomes[rewrite.outcome] = (this.llmOutcomes[rewrite.outcome] ?? 0) + 1;
    return rewrite.text;
  }

  /** One delivery pass (with `delivery: 'manual'`); resolves with when the next one is due. */
  deliverDue(): Promise<number | undefined> {
    return this.requireOutbox().deliverDue(this.abort.signal);
  }

  listIncidents(query: IncidentQuery): Promise<StoredRecord<'incident'>[]> {
    return queryIncidents(this.options.store, query);
  }

  createSilence(input: NewSilence): Promise<StoredRecord<'silence'>> {
    return this.silences.create(input);
  }

  /** Silences, newest first: active and upcoming ones, or every known one (`all`). */
  listSilences(state: 'active' | 'all' = 'active'): StoredRecord<'silence'>[] {
    return this.silences.list(state);
  }

  /** Ends a silence now (kept, for the record); undefined when unknown. */
  expireSilence(id: string): Promise<StoredRecord<'silence'> | undefined> {
    return this.silences.expire(id);
  }

  status(): Record<string, unknown> {
    const outbox: OutboxStatus | undefined = this.outbox?.status();
    return {
      openIncidents: this.engine.openIncidents().length,
      activeSilences: this.listSilences('active').length,
      notifiers: this.notifiers.map((n) => ({ name: n.name, kind: n.kind, minSeverity: n.minSeverity })),
      outbox: outbox ?? null,
      llm: { mode: this.options.config.llm.mode, outcomes: { ...this.llmOutcomes } },
      errorSamples: this.errors.stats(),
      summaryNumberCheckFailures: this.checkFailures,
      unsavedIncidents: this.unsaved.size,
    };
  }

  health(): ComponentHealth {
    if (!this.outbox) return { state: 'stopped', detail: 'not started' };
    const status = this.outbox.status();
    const failing = Object.entries(status.notifiers).filter(([, n]) => n.consecutiveFailures >= 3);
    if (failing.length > 0) {
      return {
        state: 'degraded',
        detail: `${failing.map(([name, n]) => `${name}: ${n.lastError ?? 'failing'}`).join('; ')} (${status.pending} queued)`,
      };
    }
    if (this.unsaved.size > 0)
      return { state: 'degraded', detail: `${this.unsaved.size} incident updates not yet stored` };
    return {
      state: 'ok',
      detail: `${this.engine.openIncidents().length} open incidents, ${status.pending} queued`,
    };
  }

  private async recordThread(
    incidentId: string,
    notifier: string,
    thread: { channel: string; ts: string },
  ): Promise<void> {
    await this.serial(async () => {
      const record = this.engine.recordThread(incidentId, notifier, thread, this.options.clock.now());
      if (record) this.unsaved.set(record.id, record);
      await this.persist();
    });
  }

  /** Writes changed incidents; on failure they are kept and written with the next change. */
  private async persist(): Promise<void> {
    for (const record of this.engine.takeDirty(this.options.clock.now())) this.unsaved.set(record.id, record);
    if (this.unsaved.size === 0) return;
    const records = [...this.unsaved.values()];
    try {
      await this.options.store.putRecords(records);
      for (const r of records) if (this.unsaved.get(r.id) === r) this.unsaved.delete(r.id);
    } catch (err) {
      this.log.warn(
        { err: errorMessage(err), incidents: records.length },
        'storing incidents failed; will retry',
      );
    }
  }

  private requireOutbox(): Outbox {
    if (!this.outbox) throw new Error('AlertsService is not started');
    return this.outbox;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
