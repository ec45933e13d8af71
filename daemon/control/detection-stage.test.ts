import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import { recordValue, type SparseHistogram } from '../../core/histogram.js';
import type { RollupPoint } from '../../core/rollup.js';
import { detectionConfigSchema } from '../../models/detection-config.js';
import { embeddedConfigSchema } from '../../storage/config.js';
import { EmbeddedStore } from '../../storage/embedded/embedded-store.js';
import { DetectionStage } from './detection-stage.js';

const logger = pino({ level: 'silent' });
const STEP = 60_000;
const T0 = Date.UTC(2026, 0, 5);

let store: EmbeddedStore | undefined;
afterEach(async () => {
  await store?.stop();
  store = undefined;
});

function point(timeMs: number, count: number, latencyMs: number, endpoint = '/v1/charges'): RollupPoint {
  const histogram: SparseHistogram = {};
  recordValue(histogram, latencyMs, count);
  return {
    measurement: 'api_calls',
    timeMs,
    tags: { provider: 'stripe', endpoint, collector: 'otlp:test' },
    count,
    errors: 0,
    durationSumMs: count * latencyMs,
    durationMaxMs: latencyMs,
    histogram,
  };
}

async function setup(overrides: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-detection-'));
  const clock = new FakeClock(T0);
  store = new EmbeddedStore(embeddedConfigSchema.parse({}), { logger, clock, path: join(dir, 'db.sqlite') });
  await store.start();
  const config = detectionConfigSchema.parse({
    stepSeconds: 60,
    lagSeconds: 0,
    detector: { type: 'novelty', warmupPoints: 30, seasonal: { enabled: false } },
    watch: [
      {
        measurement: 'api_calls',
        groupBy: ['provider', 'endpoint'],
        signals: ['latency_p95_ms', 'request_rate'],
      },
    ],
    ...overrides,
  });
  const make = () => new DetectionStage({ config, store: store!, clock, logger, stateDir: dir });
  return { clock, make };
}

/** Writes one minute of traffic and moves the clock past it. */
async function minute(clock: FakeClock, i: number, count: number, latencyMs: number): Promise<void> {
  await store!.write([point(T0 + i * STEP, count, latencyMs)]);
  clock.set(T0 + (i + 1) * STEP);
}

describe('DetectionStage', () => {
  it('learns a steady series, then turns a latency jump into an anomaly record with an explanation', async () => {
    const { clock, make } = await setup();
    const stage = make();
    const anomalies = [];
    for (let i = 0; i < 120; i++) {
      await minute(clock, i, 100, 180 + (i % 5) * 4);
      anomalies.push(...(await stage.run()));
    }
    expect(anomalies).toEqual([]);
    await minute(clock, 120, 100, 760);
    const found = await stage.run();
    expect(found).toHaveLength(1);
    const [a] = found;
    expect(a).toMatchObject({
      kind: 'anomaly',
      timeMs: T0 + 120 * STEP,
      tags: { provider: 'stripe', endpoint: '/v1/charges', signal: 'latency_p95_ms' },
      body: { signal: 'latency_p95_ms', measurement: 'api_calls', detector: 'novelty' },
    });
    expect(a!.body.observed).toBeGreaterThan(700);
    expect(a!.body.explanation).toMatch(/p95 latency/);
    const latest = stage.latest().find((s) => s.signal === 'latency_p95_ms');
    expect(latest).toMatchObject({ anomalous: true, warmingUp: false });
    // The problem persists: the detector suppresses repeat alerts, the stage keeps reporting it.
    await minute(clock, 121, 100, 770);
    const continuing = await stage.run();
    expect(continuing.map((r) => r.body.explanation)).toEqual([expect.stringMatching(/still abnormal/)]);
  });

  it('says a series is warming up instead of alarming', async () => {
    const { clock, make } = await setup();
    const stage = make();
    await minute(clock, 0, 100, 180);
    await stage.run();
    await minute(clock, 1, 100, 5_000);
    expect(await stage.run()).toEqual([]);
    expect(stage.latest().every((s) => s.warmingUp)).toBe(true);
    expect(stage.status()).toMatchObject({ series: 2, warmingUp: 2 });
  });

  it('scores a series that stopped reporting as zero traffic', async () => {
    const { clock, make } = await setup({
      detector: { type: 'novelty', warmupPoints: 20, seasonal: { enabled: false } },
    });
    const stage = make();
    for (let i = 0; i < 60; i++) {
      await minute(clock, i, 100 + (i % 3), 180);
      await stage.run();
    }
    clock.set(T0 + 62 * STEP); // two minutes without a single call
    const found = await stage.run();
    expect(found.map((r) => [r.body.signal, r.body.observed])).toContainEqual(['request_rate', 0]);
  });

  it('restores detectors and cursors after a restart: no step scored twice, nothing relearnt', async () => {
    const { clock, make } = await setup();
    const first = make();
    for (let i = 0; i < 60; i++) {
      await minute(clock, i, 100, 180 + (i % 5) * 4);
      await first.run();
    }
    await first.save();
    const second = make();
    await second.load();
    expect(second.status()).toMatchObject({ series: 2 });
    expect(await second.run()).toEqual([]); // nothing new to score
    await minute(clock, 60, 100, 760);
    const found = await second.run();
    expect(found.map((r) => r.body.signal)).toEqual(['latency_p95_ms']);
  });
});
