import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import type { RollupPoint } from '../../core/rollup.js';
import { forecastingConfigSchema } from '../../models/forecasters/config.js';
import { embeddedConfigSchema } from '../../storage/config.js';
import { EmbeddedStore } from '../../storage/embedded/embedded-store.js';
import { ForecastStage } from './forecast-stage.js';

const logger = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 0, 5);
let store: EmbeddedStore | undefined;
let stage: ForecastStage | undefined;
afterEach(async () => {
  stage?.stop();
  await store?.stop();
});

function calls(
  timeMs: number,
  count: number,
  tags: Record<string, string>,
  measurement: 'api_calls' | 'inbound' = 'api_calls',
): RollupPoint {
  return {
    measurement,
    timeMs,
    tags: { collector: 'otlp:t', ...tags },
    count,
    errors: 0,
    durationSumMs: count * 10,
    durationMaxMs: 10,
    histogram: {},
  };
}

describe('ForecastStage', () => {
  it('forecasts every active provider and service, stores the forecasts and serves the latest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-forecast-stage-'));
    const clock = new FakeClock(T0);
    store = new EmbeddedStore(embeddedConfigSchema.parse({}), {
      logger,
      clock,
      path: join(dir, 'db.sqlite'),
    });
    await store.start();
    const config = forecastingConfigSchema.parse({ stepSeconds: 60, horizonMinutes: 30 });
    stage = new ForecastStage({
      config,
      store,
      clock,
      logger,
      registryDir: join(dir, 'models'),
      settleMs: 0,
    });
    await stage.start();
    expect(await stage.run()).toEqual([]); // nothing to forecast yet
    const points: RollupPoint[] = [];
    for (let m = 0; m < 90; m++) {
      const t = T0 + m * 60_000;
      points.push(calls(t, 600 + 60 * Math.sin(m / 10), { provider: 'stripe' }));
      points.push(calls(t, 300, { service: 'checkout' }, 'inbound'));
    }
    await store.write(points);
    clock.set(T0 + 90 * 60_000);
    const issued = await stage.run();
    expect(issued.map((r) => r.tags)).toEqual(
      expect.arrayContaining([
        { provider: 'stripe', signal: 'request_rate', measurement: 'api_calls' },
        { service: 'checkout', signal: 'request_rate', measurement: 'inbound' },
      ]),
    );
    const stripe = stage.latest({ provider: 'stripe' })[0]!;
    expect(stripe.body.p50).toHaveLength(30);
    expect(stripe.body.startMs).toBe(T0 + 90 * 60_000);
    expect(stripe.body.note).toMatch(/1.5 h of history/);
    for (let i = 0; i < 30; i++) {
      expect(stripe.body.p10[i]!).toBeLessThanOrEqual(stripe.body.p50[i]!);
      expect(stripe.body.p50[i]!).toBeLessThanOrEqual(stripe.body.p90[i]!);
    }
    // stored too: a restarted stage serves it before its first run
    const again = new ForecastStage({
      config,
      store,
      clock,
      logger,
      registryDir: join(dir, 'models'),
      settleMs: 0,
    });
    await again.start();
    expect(again.latest({ provider: 'stripe' })).toHaveLength(1);
    again.stop();
  });
});
