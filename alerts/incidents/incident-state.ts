import type { ThreadRef } from '../../core/notifier.js';
import type { IncidentBody } from '../../core/records/incident.js';
import type { StoredRecord } from '../../core/store.js';
import { withoutTags } from '../../core/tags.js';
import type { AlertsSeverityConfig } from '../config.js';
import { inferCause, rankSeries } from '../summary/cause.js';
import type { ErrorTemplateSummary } from '../summary/error-templates.js';
import type { Summary } from '../summary/summarizer.js';
import {
  type ActionFact,
  endpointLabel,
  type ForecastFact,
  type IncidentFacts,
  incidentFactsSchema,
  type SeriesFact,
  toDisplay,
  unitOf,
} from './facts.js';
import type { Group } from './grouping.js';
import { deviation, peakOf } from './peak.js';
import { maxSeverity, type Severity, severityOf } from './severity.js';

export type TimelineEntry = IncidentBody['timeline'][number];

/** Bounds that keep one incident's record small whatever the burst. */
export const LIMITS = { series: 50, actions: 20, timeline: 200, members: 1_000 } as const;

/** Which result an anomaly had on the incident. */
export type AnomalyOutcome = 'added' | 'merged' | 'duplicate';

/**
 * One incident's mutable state inside the engine: aggregated series, decisions, forecast,
 * timeline and notification bookkeeping. `render` turns it into facts and a summary;
 * `toRecord` / `fromRecord` store and restore it (the facts carry everything needed).
 */
export class IncidentState {
  status: 'open' | 'resolved' = 'open';
  lastAnomalyMs: number;
  resolvedMs: number | undefined;
  updatedMs: number;
  anomalyCount = 0;
  maxScore = 0;
  severity: Severity = 'info';
  readonly series = new Map<string, SeriesFact>();
  omittedSeries = 0;
  readonly providers = new Set<string>();
  readonly services = new Set<string>();
  readonly endpointKeys = new Set<string>();
  readonly endpointLabels = new Set<string>();
  actions: ActionFact[] = [];
  forecast: ForecastFact | undefined;
  timeline: TimelineEntry[] = [];
  notification: NonNullable<IncidentBody['notification']> = { count: 0 };
  threads: Record<string, ThreadRef> = {};
  title = '';
  summary = '';
  fields: Summary['fields'] = [];
  facts: IncidentFacts | undefined;

  constructor(
    readonly id: string,
    readonly group: Group,
    readonly startedMs: number,
  ) {
    this.lastAnomalyMs = startedMs;
    this.updatedMs = startedMs;
  }

  /** Folds one anomaly into its series; a point at or before the series' last one is a duplicate. */
  addAnomaly(record: StoredRecord<'anomaly'>): AnomalyOutcome {
    const { body } = record;
    const tags = withoutTags(record.tags, ['collector', 'signal']);
    const key = `${body.measurement}|${body.signal}|${Object.entries(tags)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}`;
    const observed = toDisplay(body.signal, body.observed);
    const expected = body.expected !== undefined ? toDisplay(body.signal, body.expected) : undefined;
    const existing = this.series.get(key);
    if (existing && record.timeMs < existing.lastMs) return 'duplicate';
    const merged = existing !== undefined && record.timeMs === existing.lastMs;
    this.maxScore = Math.max(this.maxScore, body.score);
    if (!merged) {
      this.anomalyCount += 1;
      this.lastAnomalyMs = Math.max(this.lastAnomalyMs, record.timeMs);
    }
    this.updatedMs = Math.max(this.updatedMs, record.timeMs);
    if (!existing) {
      this.addMembers(tags, record.timeMs, body.signal);
      if (this.series.size >= LIMITS.series) {
        this.omittedSeries += 1;
        return 'added';
      }
      this.series.set(key, {
        key,
        signal: body.signal,
        measurement: body.measurement,
        tags,
        unit: unitOf(body.signal),
        firstMs: record.timeMs,
        lastMs: record.timeMs,
        count: 1,
        maxScore: body.score,
        ...peakOf(observed, expected, body),
        peakMs: record.timeMs,
      });
      return 'added';
    }
    if (!merged) existing.count += 1;
    existing.lastMs = record.timeMs;
    existing.maxScore = Math.max(existing.maxScore, body.score);
    const candidate = peakOf(observed, expected, body);
    if (
      deviation(candidate.peak, candidate.normal, body.score) >
      deviation(existing.peak, existing.normal, existing.maxScore - 1e-9)
    ) {
      Object.assign(existing, candidate, { peakMs: record.timeMs });
      if (candidate.normal === undefined) delete existing.normal;
      if (candidate.ratio === undefined) delete existing.ratio;
    }
    return merged ? 'merged' : 'added';
  }

  /** Adds a decision once (by id). */
  addAction(action: ActionFact): boolean {
    if (this.actions.some((a) => a.id === action.id)) return false;
    this.actions.push(action);
    this.actions.sort((a, b) => a.timeMs - b.timeMs || a.id.localeCompare(b.id));
    if (this.actions.length > LIMITS.actions) this.actions.splice(0, this.actions.length - LIMITS.actions);
    this.note(action.timeMs, 'action', `${action.policy} on ${action.target}: ${action.outcome}`);
    return true;
  }

  /** Appends to the timeline, keeping the first entry and the most recent ones. */
  note(timeMs: number, kind: string, text: string): void {
    this.timeline.push({ timeMs, kind, text });
    if (this.timeline.length > LIMITS.timeline)
      this.timeline.splice(1, this.timeline.length - LIMITS.timeline);
  }

  /** Builds the facts (severity, breadth, cause, errors) and the summary from them. */
  render(
    nowMs: number,
    severityConfig: AlertsSeverityConfig,
    summarize: (facts: IncidentFacts) => Summary,
    errors?: ErrorTemplateSummary,
  ): IncidentFacts {
    const breadth = { endpointCount: this.endpointKeys.size, serviceCount: this.services.size };
    const severity = maxSeverity(this.severity, severityOf(this.maxScore, breadth, severityConfig));
    if (severity !== this.severity && this.facts !== undefined) {
      this.note(nowMs, 'severity', `severity raised to ${severity}`);
    }
    this.severity = severity;
    const series = rankSeries([...this.series.values()].map((x) => ({ ...x, tags: { ...x.tags } })));
    const providers = [...this.providers].sort();
    const services = [...this.services].sort();
    const cause = inferCause(series, { providers, services, endpointCount: this.endpointKeys.size });
    const facts: IncidentFacts = {
      version: 1,
      groupKey: this.group.key,
      groupTags: { ...this.group.tags },
      status: this.status,
      severity,
      maxScore: this.maxScore,
      startedMs: this.startedMs,
      lastAnomalyMs: this.lastAnomalyMs,
      ...(this.resolvedMs !== undefined ? { resolvedMs: this.resolvedMs } : {}),
      durationMinutes: Math.floor((this.lastAnomalyMs - this.startedMs) / 60_000),
      quietMinutes:
        this.resolvedMs !== undefined ? Math.floor((this.resolvedMs - this.lastAnomalyMs) / 60_000) : 0,
      anomalyCount: this.anomalyCount,
      providers,
      services,
      endpoints: [...this.endpointLabels].sort(),
      providerCount: providers.length,
      serviceCount: services.length,
      endpointCount: this.endpointKeys.size,
      series,
      omittedSeries: this.omittedSeries,
      actions: this.actions.map((a) => ({ ...a })),
      ...(this.forecast ? { forecast: { ...this.forecast } } : {}),
      ...(errors && errors.sampleCount > 0
        ? { errors: { sampleCount: errors.sampleCount, templates: errors.templates.map((t) => ({ ...t })) } }
        : {}),
      ...(cause ? { cause } : {}),
    };
    const summary = summarize(facts);
    this.facts = facts;
    this.title = summary.title;
    this.summary = summary.body;
    this.fields = summary.fields;
    return facts;
  }

  toRecord(): StoredRecord<'incident'> {
    return {
      kind: 'incident',
      id: this.id,
      timeMs: this.startedMs,
      tags: { ...this.group.tags },
      body: {
        status: this.status,
        severity: this.severity,
        groupKey: this.group.key,
        title: this.title,
        summary: this.summary,
        startedMs: this.startedMs,
        updatedMs: this.updatedMs,
        ...(this.resolvedMs !== undefined ? { resolvedMs: this.resolvedMs } : {}),
        timeline: this.timeline.map((e) => ({ ...e })),
        facts: this.facts,
        notification: { ...this.notification },
        threads: { ...this.threads },
      },
    };
  }

  /** Restores an incident written by `toRecord`; undefined when its facts cannot be read. */
  static fromRecord(record: StoredRecord<'incident'>): IncidentState | undefined {
    const parsed = incidentFactsSchema.safeParse(record.body.facts);
    if (!parsed.success) return undefined;
    const facts = parsed.data;
    const state = new IncidentState(
      record.id,
      { key: record.body.groupKey, tags: facts.groupTags },
      record.body.startedMs,
    );
    state.status = record.body.status;
    state.resolvedMs = record.body.resolvedMs;
    state.updatedMs = record.body.updatedMs;
    state.lastAnomalyMs = facts.lastAnomalyMs;
    state.anomalyCount = facts.anomalyCount;
    state.maxScore = facts.maxScore;
    state.severity = record.body.severity;
    for (const s of facts.series) {
      state.series.set(s.key, { ...s });
      state.addMembers(s.tags, s.firstMs, s.signal, false);
    }
    state.omittedSeries = facts.omittedSeries;
    for (const p of facts.providers) state.providers.add(p);
    for (const s of facts.services) state.services.add(s);
    for (const e of facts.endpoints) state.endpointLabels.add(e);
    // Endpoint keys of omitted series are not stored: keep the stored count as a floor.
    for (let i = state.endpointKeys.size; i < facts.endpointCount; i++)
      state.endpointKeys.add(`(restored ${i})`);
    state.actions = facts.actions.map((a) => ({ ...a }));
    state.forecast = facts.forecast;
    state.timeline = record.body.timeline.map((e) => ({ ...e }));
    state.notification = { ...(record.body.notification ?? { count: 0 }) };
    state.threads = { ...(record.body.threads ?? {}) };
    state.title = record.body.title;
    state.summary = record.body.summary;
    state.facts = facts;
    return state;
  }

  private addMembers(
    tags: Readonly<Record<string, string>>,
    timeMs: number,
    signal: string,
    note = true,
  ): void {
    const fresh: string[] = [];
    const add = (set: Set<string>, key: string | undefined, shown: string): void => {
      if (key === undefined || set.has(key) || set.size >= LIMITS.members) return;
      set.add(key);
      fresh.push(shown);
    };
    add(this.providers, tags.provider, `provider ${tags.provider}`);
    add(this.services, tags.service, `service ${tags.service}`);
    const label = endpointLabel(tags);
    if (label) {
      add(this.endpointKeys, `${tags.provider ?? ''}|${tags.service ?? ''}|${label}`, `endpoint ${label}`);
      if (this.endpointLabels.size < LIMITS.members) this.endpointLabels.add(label);
    }
    // The first anomaly is the "opened" entry; later ones that widen the incident are noted.
    if (note && this.anomalyCount > 1 && fresh.length > 0) {
      this.note(timeMs, 'spread', `${signal} anomalies now also on ${fresh.join(', ')}`);
    }
  }
}
