import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import type { Notification } from '../../core/notifier.js';
import type { StoredRecord } from '../../core/store.js';
import { validateBlocks } from '../../test/helpers/fake-slack.js';
import { alertsConfigSchema } from '../config.js';
import type { IncidentFacts } from '../incidents/facts.js';
import { IncidentEngine } from '../incidents/incident-engine.js';
import { slackMessage } from '../notifiers/slack-blocks.js';
import { incidentFixtures } from '../testing/incident-fixtures.js';
import { anomalyRecord, decisionRecord } from '../testing/records.js';
import { runFixture } from '../testing/run-fixture.js';
import { checkNumbers } from './number-checker.js';
import { summarize, TITLE_MAX_CHARS, truncateTitle } from './summarizer.js';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

/** Every figure in the title, body and key figures must be in the facts. */
function expectFactual(n: Notification, facts: IncidentFacts): void {
  const text = [n.title, n.summary, ...n.fields.map((f) => `${f.label} ${f.value}`)].join('\n');
  const check = checkNumbers(text, facts);
  expect(check.unknown, text).toEqual([]);
  expect(n.title.length).toBeLessThan(90);
}

function golden(n: Notification): string {
  return [
    `## ${n.event} #${n.sequence} (${n.severity}) at ${new Date(n.timeMs).toISOString()}`,
    '',
    n.title,
    '',
    n.summary,
    '',
    ...n.fields.map((f) => `- ${f.label}: ${f.value}`),
    '',
  ].join('\n');
}

describe('golden summaries', () => {
  for (const fixture of incidentFixtures()) {
    it(`${fixture.name}: ${fixture.description}`, () => {
      const run = runFixture(fixture);
      expect(run.notices.length).toBeGreaterThanOrEqual(2);
      expect(run.notices[0]!.notification.event).toBe('opened');
      expect(run.notices.at(-1)!.notification.event).toBe('resolved');
      for (const notice of run.notices) expectFactual(notice.notification, notice.facts);
      const text = `# ${fixture.description}\n\n${run.notices.map((n) => golden(n.notification)).join('\n')}`;
      const file = join(TESTDATA, `${fixture.name}.golden.md`);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, text);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }

  it('name what the fixtures are about', () => {
    const [spike, outage, surge, burst] = incidentFixtures().map(
      (f) => runFixture(f).notices.at(-1)!.notification,
    );
    expect(spike!.summary).toContain('p95 latency peaked at 760 ms, against 180 ms normally (4.2×)');
    expect(outage!.summary).toMatch(/moved twilio traffic away from api\.twilio\.com to backup-sms/);
    expect(outage!.summary).toContain('twilio itself is the likely cause');
    expect(surge!.summary).toContain('Request rate moved first, 2 minutes before anything else');
    expect(surge!.summary).toContain('would scale checkout from 4 to 9 replicas (dry run');
    expect(burst!.summary).toMatch(/\d+% of errors: `card_declined for customer <\*>`/);
  });
});

describe('titles', () => {
  it.each([
    ['short title', 'short title'],
    [`${'word '.repeat(30)}end`, `${'word '.repeat(17).trim()}…`],
    [`prefix ${'1,240 '.repeat(20)}`, expect.stringMatching(/^prefix (1,240 )*1,240…$/)],
  ])('truncates %#', (input, expected) => {
    const title = truncateTitle(input);
    expect(title.length).toBeLessThanOrEqual(TITLE_MAX_CHARS);
    expect(title).toEqual(expected);
  });
});

describe('every summary the engine writes is factual (property)', () => {
  const signal = fc.constantFrom(
    'latency_p95_ms',
    'latency_p99_ms',
    'error_ratio',
    'request_rate',
    'latency_mean_ms',
  );
  const anomaly = fc.record({
    offsetMs: fc.integer({ min: 0, max: 20 * 60_000 }),
    provider: fc.constantFrom('stripe', 'twilio', 'aws-s3', undefined),
    service: fc.constantFrom('checkout', 'api', 'billing-v2'),
    endpoint: fc.constantFrom('/v1/charges', '/2010-04-01/Messages.json', '/v2/x', undefined),
    signal,
    observed: fc.double({ min: 0, max: 1e6, noNaN: true }),
    expected: fc.option(fc.double({ min: 0, max: 1e5, noNaN: true }), { nil: undefined }),
    score: fc.double({ min: 0.5, max: 1, noNaN: true }),
  });
  const decision = fc.record({
    offsetMs: fc.integer({ min: 0, max: 20 * 60_000 }),
    from: fc.integer({ min: 1, max: 50 }),
    to: fc.integer({ min: 1, max: 50 }),
    outcome: fc.constantFrom('applied', 'dry_run', 'held', 'failed', 'paused'),
    reason: fc.constantFrom(
      'forecast load 1,380 req/s exceeds 4 replicas',
      'p95 latency above 500 ms for 3 minutes',
      'held: telemetry stale',
    ),
  });

  it('holds for random anomalies and decisions', () => {
    fc.assert(
      fc.property(
        fc.array(anomaly, { minLength: 1, maxLength: 60 }),
        fc.array(decision, { maxLength: 5 }),
        (anomalies, decisions) => {
          const t0 = Date.UTC(2026, 0, 5, 9, 0, 0);
          const clock = new FakeClock(t0);
          const config = alertsConfigSchema.parse({});
          const engine = new IncidentEngine({
            groupBy: config.groupBy,
            timing: config.timing,
            severity: config.severity,
            summarize,
            dashboardUrl: 'https://h.example',
          });
          const records: StoredRecord<'anomaly'>[] = anomalies.map((a) =>
            anomalyRecord({
              ...a,
              timeMs: t0 + a.offsetMs,
              ...(a.provider ? {} : { measurement: 'inbound' }),
            }),
          );
          const decided = decisions.map((d, i) =>
            decisionRecord({
              id: `d${i}`,
              timeMs: t0 + d.offsetMs,
              policy: 'scaling',
              target: 'kubernetes-prod',
              subject: { service: 'checkout' },
              outcome: d.outcome,
              current: { replicas: d.from },
              desired: { replicas: d.to },
              reasons: [d.reason],
            }),
          );
          for (let now = t0; now <= t0 + 36 * 60_000; now += 60_000) {
            clock.set(now);
            const due = <T extends { timeMs: number }>(list: T[]): T[] =>
              list.filter((r) => r.timeMs > now - 60_000 && r.timeMs <= now);
            engine.ingest({ anomalies: due(records), decisions: due(decided) }, now);
            for (const notice of engine.tick(now)) {
              expectFactual(notice.notification, notice.facts);
              expect(validateBlocks(slackMessage(notice.notification).blocks)).toBeUndefined();
              expect(summarize(notice.facts).body).toBe(notice.notification.summary);
            }
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });
});
