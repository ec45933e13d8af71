import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock.js';
import { Rollup } from './rollup.js';
import { rollupConfigSchema } from './rollup-config.js';
import { MemoryStore } from './testing/memory-store.js';
import { testLogger } from './testing/test-logger.js';

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

describe('rollup self-metrics', () => {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  beforeAll(() => {
    metrics.disable();
    metrics.setGlobalMeterProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    metrics.disable();
  });

  async function points(name: string): Promise<DataPoint<number>[]> {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? []) as DataPoint<number>[];
  }

  it('counts folds by tag key, late and dropped calls, written and active series', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const rollup = new Rollup({
      config: rollupConfigSchema.parse({ maxValuesPerTag: 2, graceMs: 0, maxLateMs: 60_000 }),
      collector: 'otlp:m',
      sink: store,
      clock,
      logger: testLogger(),
      tickMs: 60_000,
    });
    await rollup.start();
    const t = clock.now();
    for (const endpoint of ['/a', '/b', '/c', '/d'])
      rollup.record('api_calls', 's', 'p', endpoint, 'GET', '', '2xx', t, t, 1, false);
    expect(await points('headroom_rollup_active_series')).toMatchObject([
      { value: 3, attributes: { collector: 'otlp:m' } },
    ]);
    clock.advance(10_000);
    await rollup.flushDue();
    rollup.record('api_calls', 's', 'p', '/a', 'GET', '', '2xx', t, clock.now(), 1, false);
    rollup.record('api_calls', 's', 'p', '/a', 'GET', '', '2xx', t - 120_000, clock.now(), 1, false);
    await rollup.stop();
    expect(await points('headroom_rollup_folded')).toMatchObject([
      { value: 2, attributes: { collector: 'otlp:m', measurement: 'api_calls', tag: 'endpoint' } },
    ]);
    expect(await points('headroom_rollup_late')).toMatchObject([{ value: 1 }]);
    expect(await points('headroom_rollup_dropped')).toMatchObject([
      { value: 1, attributes: { reason: 'too_old' } },
    ]);
    expect(await points('headroom_rollup_points_written')).toMatchObject([{ value: 4 }]);
  });
});
