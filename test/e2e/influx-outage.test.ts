import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { influxdAvailable, InfluxServer } from '../helpers/influx-server.js';

const run = influxdAvailable() ? describe : describe.skip;

/** `n` CLIENT spans to one provider as OTLP/JSON, ending now. */
function spans(n: number): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [
          {
            spans: Array.from({ length: n }, (_, i) => ({
              traceId: randomBytes(16).toString('hex'),
              spanId: randomBytes(8).toString('hex'),
              name: 'POST /v1/charges',
              kind: 3,
              startTimeUnixNano: String(now - 120_000_000n - BigInt(i)),
              endTimeUnixNano: String(now - BigInt(i)),
              attributes: [
                { key: 'server.address', value: { stringValue: 'api.stripe.com' } },
                { key: 'http.request.method', value: { stringValue: 'POST' } },
                { key: 'url.template', value: { stringValue: '/v1/charges' } },
                { key: 'http.response.status_code', value: { intValue: 200 } },
              ],
            })),
          },
        ],
      },
    ],
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

run('daemon on InfluxDB: outage, spool and restart', () => {
  let influx: InfluxServer;
  let daemon: DaemonProcess | undefined;
  beforeAll(async () => {
    influx = await InfluxServer.start();
  });
  afterAll(async () => {
    await daemon?.kill();
    await influx?.destroy();
  });

  it('loses no acknowledged span across an InfluxDB stop/start and a daemon restart with a full spool', async () => {
    const started = Date.now();
    daemon = await DaemonProcess.start({
      config: {
        store: {
          influx: { url: influx.url, database: 'outage_e2e', flushIntervalMs: 100, timeoutMs: 2_000 },
          spool: { retryIntervalMs: 250 },
        },
        collectors: { rollup: { intervalMs: 1_000, graceMs: 200 } },
        models: { detection: { enabled: false } },
      },
    });
    const send = async (n: number) => {
      const res = await fetch(`${daemon!.otlpUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: spans(n),
      });
      expect(res.status).toBe(200);
    };
    const readiness = async () =>
      (await (await fetch(`${daemon!.apiUrl}/readyz`)).json()) as {
        state: string;
        store: { detail: string };
      };

    await send(100);
    await influx.kill();
    await send(50);
    const spooling = await until('readyz to say spooling', async () => {
      const r = await readiness();
      return r.state === 'degraded' && /spool/.test(r.store.detail) ? r : undefined;
    });
    expect(spooling.store.detail).toMatch(/spool/);

    // SIGTERM with InfluxDB still down: acknowledged rollups must end up in the spool on disk.
    // The restart finds InfluxDB still down: a store reached before is an outage, so the daemon
    // starts and keeps spooling.
    expect(await daemon.stop()).toBe(0);
    await daemon.restart();
    expect((await readiness()).state).toBe('degraded');
    await send(25);
    await influx.start();
    await until('readyz ok again', async () => ((await readiness()).state === 'ok' ? true : undefined));

    const total = await until('every span counted in InfluxDB', async () => {
      const url = `${daemon!.apiUrl}/api/v1/signals?signal=count&from=${started - 120_000}&to=${Date.now() + 60_000}&step=1m`;
      const body = (await (await fetch(url)).json()) as { series: { points: { value: number }[] }[] };
      const sum = body.series.flatMap((s) => s.points).reduce((a, p) => a + p.value, 0);
      return sum === 175 ? sum : undefined;
    });
    expect(total).toBe(175);
  }, 180_000);
});
