import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import type { ErrorSample } from '../../core/error-samples.js';
import { ExportTraceServiceRequest } from '../../collectors/otlp/proto.js';
import { MemoryStore } from '../../collectors/testing/memory-store.js';
import { testLogger } from '../../collectors/testing/test-logger.js';
import { freePort } from '../../test/helpers/free-port.js';
import { App } from '../app.js';
import { configSchema } from '../config/schema.js';
import { createCollectorsModule } from './collectors.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

function spans(count: number, status: number) {
  return ExportTraceServiceRequest.encode({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [
          {
            spans: Array.from({ length: count }, (_, i) => ({
              name: 'POST',
              kind: 3,
              startTimeUnixNano: String(BigInt(T0 + 1_000 + i) * 1_000_000n),
              endTimeUnixNano: String(BigInt(T0 + 1_050 + i) * 1_000_000n),
              attributes: [
                { key: 'server.address', value: { stringValue: 'api.stripe.com' } },
                { key: 'url.template', value: { stringValue: '/v1/charges' } },
                { key: 'http.request.method', value: { stringValue: 'POST' } },
                { key: 'http.response.status_code', value: { intValue: status } },
              ],
              status: status >= 500 ? { code: 2, message: 'card processor unavailable' } : {},
            })),
          },
        ],
      },
    ],
  }).finish();
}

describe('collectors module in the App', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function app(store: MemoryStore, dataDir: string, clock: FakeClock, samples: ErrorSample[] = []) {
    const otlpPort = await freePort();
    const config = configSchema.parse({
      instance: 'node-a',
      dataDir,
      log: { level: 'silent' },
      api: { port: 0 },
      collectors: {
        otlp: { host: '127.0.0.1', port: otlpPort },
        rollup: { providers: { stripe: ['api.stripe.com'] } },
      },
    });
    const instance = new App({
      config,
      logger: testLogger(),
      clock,
      createStore: () => store,
      modules: [
        { name: 'collectors', create: createCollectorsModule },
        {
          // What the alerts module does: subscribe to the hub published by the collectors module.
          name: 'alerts-stand-in',
          create: (ctx) => {
            ctx.services.errorSamples!.subscribe({
              publish: (s) => samples.push(s),
            });
            return { name: 'alerts-stand-in', components: [] };
          },
        },
      ],
    });
    return { instance, otlpUrl: `http://127.0.0.1:${otlpPort}` };
  }

  it('receives OTLP, flushes on stop, and serves series and signals after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'headroom-collectors-'));
    dirs.push(dataDir);
    const store = new MemoryStore();
    const clock = new FakeClock(T0 + 2_000);

    const samples: ErrorSample[] = [];
    const first = await app(store, dataDir, clock, samples);
    await first.instance.start();
    const post = (body: Uint8Array, url: string) =>
      fetch(`${url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body,
      });
    expect((await post(spans(40, 200), first.otlpUrl)).status).toBe(200);
    expect((await post(spans(10, 503), first.otlpUrl)).status).toBe(200);
    const status = await (await fetch(`${first.instance.apiUrl()}/api/v1/status`)).json();
    expect(status.modules.collectors.rollups[0]).toMatchObject({ collector: 'otlp:node-a', activeSeries: 2 });
    await first.instance.stop();
    expect(store.all().reduce((n, p) => n + p.count, 0)).toBe(50);
    expect(samples.map((s) => s.message)).toContain('card processor unavailable');

    // Same interval after a restart: the watermark saved on stop keeps the written point intact.
    const second = await app(store, dataDir, clock);
    await second.instance.start();
    expect((await post(spans(5, 200), second.otlpUrl)).status).toBe(200);
    await second.instance.stop();
    expect(store.overwrites).toBe(0);

    const third = await app(store, dataDir, clock);
    await third.instance.start();
    try {
      const api = third.instance.apiUrl();
      const series = await (await fetch(`${api}/api/v1/series?measurement=api_calls&provider=stripe`)).json();
      expect(series).toEqual({
        series: [
          {
            measurement: 'api_calls',
            tags: {
              endpoint: '/v1/charges',
              method: 'POST',
              provider: 'stripe',
              service: 'checkout',
              status_class: '2xx',
            },
            collectors: ['otlp:node-a'],
          },
          {
            measurement: 'api_calls',
            tags: {
              endpoint: '/v1/charges',
              method: 'POST',
              provider: 'stripe',
              service: 'checkout',
              status_class: '5xx',
            },
            collectors: ['otlp:node-a'],
          },
        ],
        truncated: false,
      });
      const signals = await (
        await fetch(`${api}/api/v1/signals?signal=count&provider=stripe&from=${T0}&to=${T0 + 60_000}&step=1m`)
      ).json();
      expect(signals).toMatchObject({
        signal: 'count',
        measurement: 'api_calls',
        step: '1m',
        stepMs: 60_000,
        series: [{ tags: {}, points: [{ t: T0, value: 55 }] }],
      });
      const errorRatio = await (
        await fetch(
          `${api}/api/v1/signals?signal=error_ratio&provider=stripe&from=${T0}&to=${T0 + 60_000}&step=1m`,
        )
      ).json();
      expect(errorRatio.series[0].points).toEqual([{ t: T0, value: 10 / 55 }]);
    } finally {
      await third.instance.stop();
    }
  });
});
