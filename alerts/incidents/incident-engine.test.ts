import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../core/store.js';
import { alertsConfigSchema, type AlertsConfig } from '../config.js';
import { checkNumbers } from '../summary/number-checker.js';
import { summarize } from '../summary/summarizer.js';
import { anomalyRecord, decisionRecord, type AnomalySpec } from '../testing/records.js';
import { IncidentEngine, type IncidentNotice } from './incident-engine.js';

const T0 = Date.UTC(2026, 0, 5, 14, 0, 0);
const S = 1_000;
const MIN = 60_000;

function engineWith(overrides: Partial<AlertsConfig> = {}): IncidentEngine {
  const config = alertsConfigSchema.parse(overrides);
  return new IncidentEngine({
    groupBy: config.groupBy,
    timing: config.timing,
    severity: config.severity,
    summarize,
  });
}

const stripe = (timeMs: number, extra: Partial<AnomalySpec> = {}): StoredRecord<'anomaly'> =>
  anomalyRecord({
    timeMs,
    provider: 'stripe',
    service: 'checkout',
    endpoint: '/v1/charges',
    method: 'POST',
    signal: 'latency_p95_ms',
    observed: 700,
    expected: 180,
    score: 0.8,
    ...extra,
  });

/** Ticks every 10 s from `fromMs` to `toMs`, feeding `anomalies` when due; returns the notices. */
function run(
  engine: IncidentEngine,
  anomalies: StoredRecord<'anomaly'>[],
  fromMs: number,
  toMs: number,
  silences: StoredRecord<'silence'>[] = [],
): IncidentNotice[] {
  const out: IncidentNotice[] = [];
  let last = fromMs - 1;
  for (let now = fromMs; now <= toMs; now += 10 * S) {
    engine.ingest({ anomalies: anomalies.filter((a) => a.timeMs > last && a.timeMs <= now) }, now);
    out.push(...engine.tick(now, silences));
    last = now;
  }
  for (const n of out) {
    if (!n.silencedBy)
      expect(checkNumbers(`${n.notification.title}\n${n.notification.summary}`, n.facts).unknown).toEqual([]);
  }
  return out;
}

const every10s = (
  fromMs: number,
  toMs: number,
  make: (t: number) => StoredRecord<'anomaly'>,
): StoredRecord<'anomaly'>[] => {
  const out: StoredRecord<'anomaly'>[] = [];
  for (let t = fromMs; t < toMs; t += 10 * S) out.push(make(t));
  return out;
};

describe('IncidentEngine timing (Alertmanager semantics)', () => {
  it('waits group_wait before the first message, then group_interval between updates', () => {
    const engine = engineWith();
    const anomalies = [
      ...every10s(T0, T0 + 8 * MIN, (t) => stripe(t)),
      // A second endpoint joins at +1 min: an update, but not before group_interval.
      ...every10s(T0 + MIN, T0 + 8 * MIN, (t) => stripe(t, { endpoint: '/v1/refunds' })),
    ];
    const notices = run(engine, anomalies, T0, T0 + 8 * MIN);
    expect(notices.map((n) => [n.notification.event, (n.notification.timeMs - T0) / S])).toEqual([
      ['opened', 30],
      ['updated', 330],
    ]);
    expect(notices[1]!.notification.summary).toContain('2 endpoints');
  });

  it('repeats an unchanged open incident after repeat_interval and resolves after the quiet period', () => {
    const engine = engineWith({
      timing: { repeatIntervalSeconds: 3600, resolveAfterSeconds: 600 } as AlertsConfig['timing'],
    });
    const anomalies = every10s(T0, T0 + 70 * MIN, (t) => stripe(t));
    const notices = run(engine, anomalies, T0, T0 + 90 * MIN);
    expect(notices.map((n) => [n.notification.event, Math.round((n.notification.timeMs - T0) / S)])).toEqual([
      ['opened', 30],
      ['reminder', 3630],
      ['resolved', 70 * 60 - 10 + 600],
    ]);
    const resolved = notices.at(-1)!.notification;
    expect(resolved.status).toBe('resolved');
    expect(resolved.summary).toMatch(
      /^Resolved at 15:19 UTC after 10 minutes without an anomaly\. It started at 14:00 UTC and lasted 69 minutes\./,
    );
    expect(notices.map((n) => n.notification.id)).toEqual(
      notices.map((_, i) => `${resolved.incidentId}#${i + 1}`),
    );
  });

  it('sends no resolved message for an incident that was never announced', () => {
    const engine = engineWith({ timing: { groupWaitSeconds: 120 } as AlertsConfig['timing'] });
    const silence = silenceFor({ provider: 'stripe' }, T0, T0 + 60 * MIN);
    const notices = run(engine, [stripe(T0)], T0, T0 + 30 * MIN, [silence]);
    expect(notices.map((n) => [n.notification.event, n.silencedBy])).toEqual([['opened', silence.id]]);
  });
});

describe('IncidentEngine grouping and dedupe', () => {
  it('groups by provider, else by service (default keys)', () => {
    const engine = engineWith();
    engine.ingest(
      {
        anomalies: [
          stripe(T0),
          stripe(T0, { service: 'billing', endpoint: '/v1/invoices' }),
          stripe(T0, { provider: 'twilio', endpoint: '/Messages.json' }),
          anomalyRecord({
            timeMs: T0,
            service: 'checkout',
            signal: 'request_rate',
            observed: 900,
            expected: 300,
          }),
        ],
      },
      T0,
    );
    expect(
      engine
        .openIncidents()
        .map((s) => s.group.key)
        .sort(),
    ).toEqual(['provider=stripe', 'provider=twilio', 'service=checkout']);
  });

  it('groups by provider and service when configured so', () => {
    const engine = engineWith({ groupBy: [['provider', 'service']] });
    engine.ingest({ anomalies: [stripe(T0), stripe(T0, { service: 'billing' })] }, T0);
    expect(
      engine
        .openIncidents()
        .map((s) => s.group.key)
        .sort(),
    ).toEqual(['provider=stripe,service=billing', 'provider=stripe,service=checkout']);
  });

  it('ignores duplicates and merges detectors firing on the same point', () => {
    const engine = engineWith();
    const batch = [stripe(T0), stripe(T0 + 10 * S), stripe(T0 + 20 * S)];
    expect(engine.ingest({ anomalies: batch }, T0 + 20 * S)).toMatchObject({
      accepted: 3,
      duplicates: 0,
      opened: 1,
    });
    // The same records again (a control-loop retry), and a second detector on the last point.
    const again = engine.ingest(
      { anomalies: [...batch.slice(0, 2), stripe(T0 + 20 * S, { score: 0.97, observed: 900 })] },
      T0 + 20 * S,
    );
    expect(again).toMatchObject({ duplicates: 2, accepted: 1, opened: 0 });
    const state = engine.openIncidents()[0]!;
    expect(state.anomalyCount).toBe(3);
    expect(state.maxScore).toBe(0.97);
    expect([...state.series.values()][0]!.peak).toBe(900);
  });

  it('does not reopen an incident from anomalies older than its resolution', () => {
    const engine = engineWith();
    run(engine, [stripe(T0)], T0, T0 + 11 * MIN);
    expect(engine.openIncidents()).toHaveLength(0);
    expect(engine.ingest({ anomalies: [stripe(T0 + 5 * MIN)] }, T0 + 11 * MIN).stale).toBe(1);
    expect(engine.ingest({ anomalies: [stripe(T0 + 12 * MIN)] }, T0 + 12 * MIN).opened).toBe(1);
  });

  it('a burst of 200 anomalies across 3 providers in 10 s is 3 incidents and 3 messages', () => {
    const engine = engineWith();
    const providers = ['stripe', 'twilio', 'sendgrid'];
    const burst = Array.from({ length: 200 }, (_, i) =>
      anomalyRecord({
        timeMs: T0 + Math.floor((i * 10 * S) / 200),
        provider: providers[i % 3]!,
        service: ['checkout', 'api', 'billing', 'search'][i % 4]!,
        endpoint: `/v1/op${i % 7}`,
        signal: i % 2 ? 'error_ratio' : 'latency_p95_ms',
        observed: i % 2 ? 0.3 : 900,
        expected: i % 2 ? 0.01 : 200,
        score: 0.95,
      }),
    );
    const notices = run(engine, burst, T0, T0 + 2 * MIN);
    expect(notices).toHaveLength(3);
    expect(new Set(notices.map((n) => n.notification.incidentId)).size).toBe(3);
    expect(
      notices.every((n) => n.notification.event === 'opened' && n.notification.severity === 'critical'),
    ).toBe(true);
  });
});

describe('IncidentEngine severity, decisions, silences, restart', () => {
  it('raises severity with breadth', () => {
    const engine = engineWith();
    engine.ingest({ anomalies: [stripe(T0, { score: 0.75 })] }, T0);
    expect(engine.tick(T0 + 30 * S)[0]!.notification.severity).toBe('warning');
    const wide = ['a', 'b', 'c'].map((e) => stripe(T0 + 40 * S, { endpoint: `/v1/${e}`, score: 0.75 }));
    engine.ingest({ anomalies: wide }, T0 + 40 * S);
    engine.tick(T0 + 40 * S);
    expect(engine.openIncidents()[0]!.severity).toBe('critical');
  });

  it('attaches decisions about the incident scope made shortly before or during it', () => {
    const engine = engineWith();
    const decision = (id: string, timeMs: number, subject: Record<string, string>) =>
      decisionRecord({
        id,
        timeMs,
        policy: 'rate-limit',
        target: 'nginx-edge',
        subject,
        outcome: 'applied',
        current: { ratePerSecond: 100, burst: 10 },
        desired: { ratePerSecond: 40, burst: 10 },
        reasons: ['p95 latency above 500 ms for 3 minutes'],
      });
    engine.ingest(
      {
        decisions: [
          decision('early', T0 - 5 * MIN, { provider: 'stripe' }),
          decision('other', T0, { provider: 'twilio' }),
        ],
      },
      T0,
    );
    engine.ingest({ anomalies: [stripe(T0)] }, T0);
    const [notice] = engine.tick(T0 + 30 * S);
    expect(notice!.facts.actions.map((a) => a.id)).toEqual(['early']);
    expect(notice!.notification.summary).toContain(
      'Headroom set the rate limit of stripe from 100 to 40 req/s: p95 latency above 500 ms for 3 minutes.',
    );
  });

  it('suppresses messages while a matching silence is active, then announces', () => {
    const engine = engineWith();
    const silence = silenceFor({ service: 'checkout' }, T0, T0 + 2 * MIN);
    const notices = run(
      engine,
      every10s(T0, T0 + 5 * MIN, (t) => stripe(t)),
      T0,
      T0 + 4 * MIN,
      [silence],
    );
    expect(
      notices.map((n) => [n.notification.event, n.silencedBy ?? null, (n.notification.timeMs - T0) / S]),
    ).toEqual([
      ['opened', silence.id, 30],
      ['opened', null, 120],
    ]);
    const timeline = engine.openIncidents()[0]!.timeline.map((e) => e.kind);
    expect(timeline).toContain('suppressed');
    expect(timeline).toContain('notified');
  });

  it('resumes from stored records after a restart without repeating messages', () => {
    const first = engineWith();
    const anomalies = every10s(T0, T0 + 20 * MIN, (t) => stripe(t));
    run(
      first,
      anomalies.filter((a) => a.timeMs <= T0 + 3 * MIN),
      T0,
      T0 + 3 * MIN,
    );
    const stored = JSON.parse(JSON.stringify(first.takeDirty(T0 + 3 * MIN))) as StoredRecord<'incident'>[];
    const second = engineWith();
    expect(second.restore(stored)).toEqual({ restored: 1, unreadable: 0 });
    const notices = run(
      second,
      anomalies.filter((a) => a.timeMs > T0 + 3 * MIN),
      T0 + 3 * MIN + 10 * S,
      T0 + 40 * MIN,
    );
    expect(notices.map((n) => [n.notification.event, n.notification.sequence])).toEqual([['resolved', 2]]);
    expect(notices[0]!.facts.anomalyCount).toBe(anomalies.length);
  });
});

describe('IncidentEngine.retract', () => {
  it('produces a message again (same id) when queueing it failed, resolutions included', () => {
    const engine = engineWith({ timing: { resolveAfterSeconds: 60 } as AlertsConfig['timing'] });
    engine.ingest({ anomalies: [stripe(T0)] }, T0);
    const [opened] = engine.tick(T0 + 30 * S);
    engine.retract(opened!);
    const [again] = engine.tick(T0 + 40 * S);
    expect(again!.notification).toMatchObject({ id: opened!.notification.id, event: 'opened', sequence: 1 });
    const [resolved] = engine.tick(T0 + 70 * S);
    expect(resolved!.notification).toMatchObject({ event: 'resolved', sequence: 2 });
    engine.retract(resolved!);
    expect(engine.tick(T0 + 80 * S).map((n) => [n.notification.id, n.notification.event])).toEqual([
      [resolved!.notification.id, 'resolved'],
    ]);
    expect(engine.tick(T0 + 90 * S)).toEqual([]);
  });
});

function silenceFor(
  matchers: Record<string, string>,
  startsMs: number,
  endsMs: number,
): StoredRecord<'silence'> {
  return {
    kind: 'silence',
    id: `s-${Object.values(matchers).join('-')}`,
    timeMs: startsMs,
    tags: {},
    body: { matchers, startsMs, endsMs, createdBy: 'test', comment: 'maintenance' },
  };
}
