import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock.js';
import type { StoredRecord } from '../core/store.js';
import { FakeSlack } from '../test/helpers/fake-slack.js';
import { freePort } from '../test/helpers/free-port.js';
import { AlertsService } from './alerts-service.js';
import { alertsConfigSchema } from './config.js';
import { checkNumbers } from './summary/number-checker.js';
import { SqliteRecordStore } from './testing/sqlite-record-store.js';
import { anomalyRecord } from './testing/records.js';

const T0 = Date.UTC(2026, 0, 5, 14, 0, 0);
const exporter = new PrometheusExporter({ preventServerStart: true });
let slack: FakeSlack;
let clock: FakeClock;
let dir: string;
let logLines: string[];

beforeAll(() => {
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
});
afterAll(() => metrics.disable());
beforeEach(async () => {
  clock = new FakeClock(T0);
  slack = await FakeSlack.start({ now: () => clock.now(), enforceRateLimit: true });
  dir = mkdtempSync(join(tmpdir(), 'headroom-alerts-'));
  logLines = [];
});
afterEach(async () => {
  // Every summary the services wrote in a test passed the number check (AlertsService checks each one).
  for (const alerts of services.splice(0)) expect(alerts.status().summaryNumberCheckFailures).toBe(0);
  // Nothing Slack would frown on: blocks always with a text fallback, no undocumented arguments.
  expect(slack.warnings).toEqual([]);
  for (const store of stores.splice(0)) await store.stop();
  await slack.stop();
  rmSync(dir, { recursive: true, force: true });
});

const stores: SqliteRecordStore[] = [];
async function openStore(): Promise<SqliteRecordStore> {
  const store = await SqliteRecordStore.open(dir, clock);
  stores.push(store);
  return store;
}

function logger(): pino.Logger {
  const sink = new Writable({
    write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString()), done()),
  });
  return pino({ level: 'trace' }, sink);
}

const services: AlertsService[] = [];
function service(store: SqliteRecordStore, config: Record<string, unknown> = {}): AlertsService {
  const alerts = new AlertsService({
    config: alertsConfigSchema.parse({
      notifiers: [
        { type: 'slack-webhook', name: 'oncall', webhookUrl: slack.webhookUrl, minSeverity: 'info' },
      ],
      ...config,
    }),
    store,
    logger: logger(),
    clock,
    dataDir: dir,
    dashboardUrl: 'https://headroom.example.com',
    delivery: 'manual',
    random: () => 0.5,
  });
  services.push(alerts);
  return alerts;
}

/** Every second: ingest what is due, tick, deliver; until `untilMs`. */
async function drive(
  alerts: AlertsService,
  anomalies: StoredRecord<'anomaly'>[],
  untilMs: number,
  stepMs = 1_000,
): Promise<void> {
  let last = clock.now() - 1;
  while (clock.now() <= untilMs) {
    const now = clock.now();
    const due = anomalies.filter((a) => a.timeMs > last && a.timeMs <= now);
    if (due.length > 0) await alerts.ingest({ anomalies: due });
    await alerts.tick();
    await alerts.deliverDue();
    last = now;
    clock.advance(stepMs);
  }
}

const providers = ['stripe', 'twilio', 'sendgrid'];
const burst = (): StoredRecord<'anomaly'>[] =>
  Array.from({ length: 200 }, (_, i) =>
    anomalyRecord({
      timeMs: T0 + Math.floor((i * 10_000) / 200),
      provider: providers[i % 3]!,
      service: ['checkout', 'api', 'billing'][i % 3 === 0 ? i % 2 : 2]!,
      endpoint: `/v1/op${i % 5}`,
      method: 'POST',
      signal: i % 4 === 0 ? 'error_ratio' : 'latency_p95_ms',
      observed: i % 4 === 0 ? 0.25 : 800 + i,
      expected: i % 4 === 0 ? 0.01 : 200,
      score: 0.93,
    }),
  );

describe('AlertsService end to end with the fake Slack', () => {
  it('turns a burst of 200 anomalies across 3 providers in 10 s into 3 messages', async () => {
    const store = await openStore();
    const alerts = service(store);
    await alerts.start();
    await drive(alerts, burst(), T0 + 3 * 60_000);
    expect(slack.accepted.length).toBeLessThanOrEqual(3);
    expect(slack.accepted).toHaveLength(3);
    expect(new Set(slack.accepted.map((r) => r.text!.split(':')[0])).size).toBe(3);
    const incidents = await store.all('incident');
    expect(incidents).toHaveLength(3);
    for (const incident of incidents) {
      expect(
        checkNumbers(`${incident.body.title}\n${incident.body.summary}`, incident.body.facts).unknown,
      ).toEqual([]);
      expect(incident.body.notification?.count).toBe(1);
      expect(incident.body.timeline.map((e) => e.kind)).toEqual(
        expect.arrayContaining(['opened', 'notified']),
      );
    }
    expect(alerts.status()).toMatchObject({
      openIncidents: 3,
      summaryNumberCheckFailures: 0,
      outbox: { pending: 0, dead: 0 },
    });
    await alerts.stop();
  });

  it('keeps the Slack thread on the incident and replies in it, through to the resolution', async () => {
    const store = await openStore();
    const alerts = service(store, {
      notifiers: [
        { type: 'slack-bot', name: 'bot', token: slack.token, channel: '#alerts', apiUrl: slack.apiUrl },
      ],
      timing: { resolveAfterSeconds: 120 },
    });
    await alerts.start();
    const spike = Array.from({ length: 30 }, (_, i) =>
      anomalyRecord({
        timeMs: T0 + i * 10_000,
        provider: 'stripe',
        service: 'checkout',
        endpoint: '/v1/charges',
        method: 'POST',
        signal: 'latency_p95_ms',
        observed: 760,
        expected: 180,
        score: 0.95,
      }),
    );
    await drive(alerts, spike, T0 + 10 * 60_000);
    const [incident] = await store.all('incident');
    const parent = slack.accepted.find((r) => r.surface === 'chat.postMessage' && !r.threadTs)!;
    expect(incident!.body.threads).toEqual({ bot: { channel: slack.channelId, ts: parent.ts } });
    expect(incident!.body.status).toBe('resolved');
    const replies = slack.accepted.filter((r) => r.threadTs === parent.ts);
    expect(replies.at(-1)).toMatchObject({ replyBroadcast: true });
    expect(replies.at(-1)!.text).toMatch(/^✅ Resolved: stripe/);
    expect(slack.accepted.filter((r) => r.surface === 'chat.postMessage' && !r.threadTs)).toHaveLength(1);
    await alerts.stop();
  });

  it('silences suppress messages (recorded) until they expire', async () => {
    const store = await openStore();
    const alerts = service(store);
    await alerts.start();
    const silence = await alerts.createSilence({
      matchers: { provider: 'twilio' },
      endsMs: T0 + 30 * 60_000,
      createdBy: 'ana',
      comment: 'twilio maintenance',
    });
    expect(alerts.listSilences()).toHaveLength(1);
    await drive(alerts, burst(), T0 + 60_000);
    expect(slack.accepted).toHaveLength(2);
    const twilio = (await store.all('incident')).find((i) => i.tags.provider === 'twilio')!;
    expect(twilio.body.notification).toMatchObject({ count: 0, suppressedBy: silence.id });
    expect(twilio.body.timeline.some((e) => e.kind === 'suppressed')).toBe(true);
    await alerts.expireSilence(silence.id);
    expect(alerts.listSilences('active')).toHaveLength(0);
    expect(alerts.listSilences('all')).toHaveLength(1);
    await drive(alerts, [], T0 + 2 * 60_000);
    expect(slack.accepted).toHaveLength(3);
    expect(slack.accepted.at(-1)!.text).toContain('twilio');
    await alerts.stop();
  });

  it('resumes after a restart without sending the same message twice', async () => {
    const store = await openStore();
    const first = service(store);
    await first.start();
    await drive(first, burst(), T0 + 60_000);
    await first.stop();
    expect(slack.accepted).toHaveLength(3);
    const second = service(store);
    await second.start();
    expect(second.status()).toMatchObject({ openIncidents: 3 });
    await drive(second, [], T0 + 15 * 60_000, 5_000);
    expect(slack.accepted.map((r) => r.text!.split(':')[0]!.replace(/^\S+ /, ''))).toEqual([
      ...slack.accepted.slice(0, 3).map((r) => r.text!.split(':')[0]!.replace(/^\S+ /, '')),
      'Resolved',
      'Resolved',
      'Resolved',
    ]);
    await second.stop();
  });

  it('keeps incident updates when the store refuses writes, and says so', async () => {
    const store = await openStore();
    const alerts = service(store);
    await alerts.start();
    store.failWrites = true;
    await drive(alerts, burst().slice(0, 10), T0 + 40_000);
    expect(alerts.status()).toMatchObject({ unsavedIncidents: 3 });
    expect(alerts.health()).toMatchObject({ state: 'degraded', detail: '3 incident updates not yet stored' });
    expect(slack.accepted).toHaveLength(3);
    store.failWrites = false;
    await drive(alerts, [], T0 + 45_000);
    expect(await store.all('incident')).toHaveLength(3);
    expect(alerts.health().state).toBe('ok');
    await alerts.stop();
  });

  it('exposes the outbox and deliveries as metrics', async () => {
    const alerts = service(await openStore());
    await alerts.start();
    slack.fail({ kind: 'server_error' });
    await drive(alerts, burst(), T0 + 45_000);
    const { resourceMetrics } = await exporter.collect();
    const text = new PrometheusSerializer().serialize(resourceMetrics);
    expect(text).toMatch(/headroom_alerts_outbox_depth\{notifier="oncall",state="pending"[^}]*\} 3\n/);
    expect(text).toMatch(/headroom_alerts_outbox_oldest_age_seconds\{notifier="oncall"[^}]*\} 16\n/);
    expect(text).toMatch(
      /headroom_alerts_deliveries_total\{notifier="oncall",outcome="retry"[^}]*\} [1-9]\d*\n/,
    );
    expect(text).toMatch(
      /headroom_alerts_notifications_total\{event="opened",outcome="queued"[^}]*\} [1-9]\d*\n/,
    );
    expect(text).toMatch(/headroom_alerts_open_incidents\{[^}]*\} 3\n/);
    expect(alerts.health()).toMatchObject({ state: 'degraded' });
    await alerts.stop();
  });
});

describe('secrets', () => {
  it('never appear in logs, errors, status or stored records', async () => {
    const llmKey = 'sk-live-abcdefghijklmnop';
    const hookSecret = 'whsec-0123456789abcdef';
    const hookToken = 'hooktoken-5566778899';
    const store = await openStore();
    const deadPort = await freePort();
    const alerts = service(store, {
      notifiers: [
        { type: 'slack-webhook', name: 'oncall', webhookUrl: slack.webhookUrl, minSeverity: 'info' },
        {
          type: 'slack-bot',
          name: 'bot',
          token: slack.token,
          channel: 'no-such-channel',
          apiUrl: slack.apiUrl,
        },
        {
          type: 'webhook',
          name: 'pager',
          url: `http://127.0.0.1:${deadPort}/h?token=${hookToken}`,
          secret: hookSecret,
        },
      ],
      llm: {
        mode: 'rewrite',
        baseUrl: `http://127.0.0.1:${deadPort}/v1`,
        model: 'm',
        apiKey: llmKey,
        timeoutMs: 500,
      },
    });
    await alerts.start();
    slack.fail({ kind: 'rate_limited', retryAfterSeconds: 2 }, 3);
    await drive(alerts, burst(), T0 + 30_000);
    slack.fail({ kind: 'invalid_payload' }, 2);
    await drive(alerts, [], T0 + 40_000);
    slack.fail({ kind: 'down' });
    await drive(
      alerts,
      burst().map((a) => ({ ...a, timeMs: a.timeMs + 41_000 })),
      T0 + 90_000,
    );
    const everything = [
      ...logLines,
      JSON.stringify(alerts.status()),
      JSON.stringify(alerts.health()),
      JSON.stringify(await store.all('incident')),
    ].join('\n');
    expect(logLines.length).toBeGreaterThan(5);
    expect(everything).toContain('oncall');
    for (const secret of [
      slack.webhookUrl,
      new URL(slack.webhookUrl).pathname.split('/').at(-1)!,
      slack.token,
      llmKey,
      hookSecret,
      hookToken,
    ]) {
      expect(everything).not.toContain(secret);
    }
    await alerts.stop();
  });
});
