import { FakeClock } from '../../core/clock.js';
import type { StoredRecord } from '../../core/store.js';
import { alertsConfigSchema, type AlertsConfig } from '../config.js';
import { IncidentEngine, type IncidentNotice } from '../incidents/incident-engine.js';
import { ErrorTemplateCollector } from '../summary/error-templates.js';
import { summarize } from '../summary/summarizer.js';
import type { IncidentFixture } from './incident-fixtures.js';

export interface FixtureRun {
  notices: IncidentNotice[];
  /** The last stored version of each incident. */
  incidents: StoredRecord<'incident'>[];
}

/**
 * Plays a fixture through the engine as the daemon would: every 10 s of fake time, the
 * records due are ingested, error samples published, then `tick`; until the incident resolved.
 */
export function runFixture(fixture: IncidentFixture, config: Partial<AlertsConfig> = {}): FixtureRun {
  const alerts = alertsConfigSchema.parse(config);
  const clock = new FakeClock(fixture.startMs);
  const errors = new ErrorTemplateCollector(alerts.errorTemplates, clock);
  const engine = new IncidentEngine({
    groupBy: alerts.groupBy,
    timing: alerts.timing,
    severity: alerts.severity,
    summarize,
    topErrors: (where, from, to) => errors.top(where, from, to),
    dashboardUrl: 'https://headroom.example.com',
  });
  const { anomalies, decisions, forecasts } = fixture.events;
  const samples = [...fixture.events.errors].sort((a, b) => a.timeMs - b.timeMs);
  const notices: IncidentNotice[] = [];
  const incidents = new Map<string, StoredRecord<'incident'>>();
  const endMs = fixture.startMs + fixture.durationMs + alerts.timing.resolveAfterSeconds * 1000 + 60_000;
  let from = fixture.startMs - 1;
  for (let now = fixture.startMs; now <= endMs; now += 10_000) {
    clock.set(now);
    const due = <T extends { timeMs: number }>(list: readonly T[]): T[] =>
      list.filter((r) => r.timeMs > from && r.timeMs <= now);
    for (const sample of due(samples)) errors.publish(sample);
    engine.ingest({ anomalies: due(anomalies), decisions: due(decisions), forecasts: due(forecasts) }, now);
    notices.push(...engine.tick(now));
    for (const record of engine.takeDirty(now)) incidents.set(record.id, record);
    from = now;
  }
  return { notices, incidents: [...incidents.values()] };
}
