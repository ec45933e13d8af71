import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Demo } from '../../daemon/demo/demo.js';
import { FakeSlack } from '../helpers/fake-slack.js';
import { freePort } from '../helpers/free-port.js';
import { influxdAvailable, sharedOrOwnInflux } from '../helpers/influx-server.js';

/**
 * The `headroom demo` scenario end to end, shortened (speed 1.5): the real daemon, the fleet
 * exporting real OTLP, the injected payments incident. Asserts the sequence through the API and
 * what a Slack-compatible webhook received: anomaly → incident with a summary (in Slack) →
 * routing away from us-east and a longer cache TTL → recovery (routing back) and the resolved
 * message; and the scale-up decided before the surge. Waits are generous and nothing is timed.
 */

const SPEED = 1.5;
const STEP_TIMEOUT_MS = 150_000;

interface Decision {
  timeMs: number;
  policy: string;
  desired: { weights?: Record<string, number>; down?: string[]; ttlSeconds?: number; replicas?: number };
}
interface Incident {
  id: string;
  status: string;
  title: string;
  summary: string;
  startedMs: number;
  resolvedMs?: number;
  tags: Record<string, string>;
}
interface Anomaly {
  timeMs: number;
  tags: Record<string, string>;
  signal: string;
  score: number;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

function scenarioSuite(
  name: string,
  store: () => Promise<{ influxUrl?: string; close(): Promise<void> }>,
): void {
  describe(`demo scenario on ${name}`, () => {
    let demo: Demo;
    let slack: FakeSlack;
    let closeStore: () => Promise<void> = async () => {};
    const lines: string[] = [];

    beforeAll(async () => {
      const s = await store();
      closeStore = () => s.close();
      slack = await FakeSlack.start();
      demo = await Demo.start({
        speed: SPEED,
        apiPort: await freePort(),
        slackWebhookUrl: slack.webhookUrl,
        ...(s.influxUrl
          ? { influxUrl: s.influxUrl, influxDatabase: `headroom_demo_e2e_${process.pid}` }
          : {}),
        print: (line) => lines.push(line),
        logLevel: 'warn',
      });
    }, 120_000);

    afterAll(async () => {
      await demo?.stop();
      await slack?.stop();
      await closeStore();
    }, 60_000);

    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${demo.apiUrl}${path}`);
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      return (await res.json()) as T;
    };
    const decisions = async (policy: string) =>
      (
        await get<{ decisions: Decision[] }>(
          `/api/v1/decisions?policy=${policy}&from=${demo.scenario.startMs}&order=asc&limit=1000`,
        )
      ).decisions;

    it(
      'detects the payments incident, alerts, reroutes, lengthens the TTL, scales ahead of the surge and recovers',
      async () => {
        const { incident, surge } = demo.scenario;

        const anomaly = await waitFor('an anomaly on payments us-east', async () => {
          const { anomalies } = await get<{ anomalies: Anomaly[] }>(
            `/api/v1/anomalies?provider=payments&region=us-east&from=${incident.fromMs}`,
          );
          return anomalies.find((a) => a.signal === 'latency_p95_ms' || a.signal === 'error_ratio');
        });
        expect(anomaly.score).toBeGreaterThanOrEqual(0.5);

        // The incident open while payments was degraded (it may have opened a little earlier,
        // e.g. on the daemon's first minutes of live data, and been joined by these anomalies).
        const covering = (i: Incident) =>
          i.startedMs < incident.toMs && (i.resolvedMs === undefined || i.resolvedMs > anomaly.timeMs);
        const opened = await waitFor('a payments incident with a summary', async () => {
          const { incidents } = await get<{ incidents: Incident[] }>(
            `/api/v1/incidents?provider=payments&from=${demo.scenario.startMs - 600_000}`,
          );
          return incidents.find((i) => covering(i) && i.summary.length > 0);
        });
        expect(opened.summary).toMatch(/payments/);
        expect(opened.startedMs).toBeLessThanOrEqual(anomaly.timeMs);

        const posted = await waitFor('the incident in Slack', async () =>
          slack.accepted.find(
            (r) => (r.text ?? '').includes('payments') && !(r.text ?? '').includes('Resolved'),
          ),
        );
        expect(posted.blocks?.length).toBeGreaterThan(0);

        const failover = await waitFor('routing away from us-east', async () =>
          (await decisions('routing')).find(
            (d) => d.timeMs >= incident.fromMs && (d.desired.weights?.['us-east'] ?? 100) < 50,
          ),
        );
        expect(failover.desired.weights?.['eu-west']).toBeGreaterThan(50);

        const longerTtl = await waitFor('a longer cache TTL', async () =>
          (await decisions('cache_ttl')).find(
            (d) => d.timeMs >= incident.fromMs && (d.desired.ttlSeconds ?? 0) > 60,
          ),
        );
        expect(longerTtl.desired.ttlSeconds).toBeGreaterThan(60);

        const recovered = await waitFor('routing back to us-east after the incident', async () =>
          (await decisions('routing')).find(
            (d) =>
              d.timeMs > failover.timeMs &&
              d.timeMs >= incident.toMs &&
              d.desired.weights?.['us-east'] === 100,
          ),
        );
        expect(recovered.timeMs).toBeGreaterThan(failover.timeMs);

        const resolved = await waitFor('the payments incident resolved', async () => {
          const { incidents } = await get<{ incidents: Incident[] }>(
            `/api/v1/incidents?provider=payments&from=${demo.scenario.startMs - 600_000}`,
          );
          return incidents.find((i) => i.id === opened.id && i.status === 'resolved');
        });
        expect(resolved.resolvedMs).toBeGreaterThan(opened.startedMs);
        const resolvedMessage = await waitFor('the resolved message in Slack', async () =>
          slack.accepted.find(
            (r) => (r.text ?? '').includes('Resolved') && (r.text ?? '').includes('payments'),
          ),
        );
        expect(resolvedMessage.atMs).toBeGreaterThan(posted.atMs);

        // The surge is in yesterday's history: the forecast asks for more replicas before it starts.
        const scaling = await decisions('scaling');
        const first = scaling[0]?.desired.replicas ?? 0;
        const ahead = scaling.find((d) => d.timeMs < surge.fromMs && (d.desired.replicas ?? 0) > first);
        expect(
          ahead,
          `scaling decisions: ${JSON.stringify(scaling.map((d) => d.desired.replicas))}`,
        ).toBeDefined();

        // The narration is derived from the same API.
        expect(lines.some((l) => l.includes('incident opened') && l.includes('payments'))).toBe(true);
      },
      STEP_TIMEOUT_MS * 3,
    );
  });
}

scenarioSuite('the embedded store', async () => ({ close: async () => {} }));

if (influxdAvailable()) {
  scenarioSuite('InfluxDB', async () => {
    const influx = await sharedOrOwnInflux();
    return { influxUrl: influx.url, close: () => influx.close() };
  });
} else {
  describe.skip('demo scenario on InfluxDB (influxd not available)', () => {
    it('skipped', () => {});
  });
}
