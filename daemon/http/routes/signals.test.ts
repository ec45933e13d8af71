import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../core/clock.js';
import type { RollupPoint } from '../../../core/rollup.js';
import { testLogger } from '../../../collectors/testing/test-logger.js';
import { embeddedConfigSchema } from '../../../storage/config.js';
import { EmbeddedStore } from '../../../storage/embedded/embedded-store.js';
import { apiConfigSchema } from '../../config/schema.js';
import { ApiServer } from '../api-server.js';
import { mountSeriesRoutes } from './series.js';
import { mountSignalsRoutes } from './signals.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

function point(timeMs: number, tags: Record<string, string>, count: number, errors = 0): RollupPoint {
  return {
    measurement: 'api_calls',
    timeMs,
    tags,
    count,
    errors,
    durationSumMs: count * 10,
    durationMaxMs: 10,
    histogram: { 100: count },
  };
}

describe('GET /api/v1/signals and /api/v1/series', () => {
  const clock = new FakeClock(T0 + 120_000);
  const dir = mkdtempSync(join(tmpdir(), 'headroom-routes-'));
  const store = new EmbeddedStore(embeddedConfigSchema.parse({}), {
    logger: testLogger(),
    clock,
    path: join(dir, 'h.sqlite'),
  });
  let api: ApiServer;

  beforeAll(async () => {
    await store.start();
    await store.write([
      point(T0, { provider: 'stripe', endpoint: '/a', collector: 'otlp:a' }, 10, 1),
      point(T0, { provider: 'stripe', endpoint: '/a', collector: 'otlp:b' }, 20, 1),
      point(T0 + 10_000, { provider: 'stripe', endpoint: '/b', collector: 'otlp:a' }, 5),
      point(T0 + 70_000, { provider: 'twilio', endpoint: '/c', collector: 'otlp:a' }, 7, 7),
    ]);
    api = new ApiServer({
      config: apiConfigSchema.parse({ port: 0 }),
      logger: testLogger(),
      metricsHandler: (_req, res) => res.end(),
      readiness: async () => ({ state: 'ok', detail: {} }),
      mountApi: (api) => {
        mountSeriesRoutes(api, { store, clock });
        mountSignalsRoutes(api, { store, clock });
      },
    });
    await api.start();
  });
  afterAll(async () => {
    await api.stop();
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  interface Body {
    series: { tags: Record<string, string>; points: unknown[] }[];
    error: { code: string; field: string; message: string };
    [key: string]: unknown;
  }
  const get = async (path: string) => {
    const res = await fetch(`${api.url()}/api/v1${path}`);
    return { status: res.status, body: (await res.json()) as Body };
  };

  it('merges collector replicas and steps, groups by tag, fills count-like gaps with 0', async () => {
    const { status, body } = await get(
      `/signals?signal=count&from=${T0}&to=${T0 + 120_000}&step=1m&groupBy=provider`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      signal: 'count',
      measurement: 'api_calls',
      from: T0,
      to: T0 + 120_000,
      step: '1m',
      stepMs: 60_000,
    });
    const byProvider = Object.fromEntries(body.series.map((s) => [s.tags.provider, s.points]));
    expect(byProvider).toEqual({
      stripe: [
        { t: T0, value: 35 },
        { t: T0 + 60_000, value: 0 },
      ],
      twilio: [
        { t: T0, value: 0 },
        { t: T0 + 60_000, value: 7 },
      ],
    });
  });

  it('filters by tags (a repeated parameter matches any value) and accepts relative and ISO times', async () => {
    const iso = new Date(T0).toISOString();
    const { body } = await get(
      `/signals?signal=error_ratio&from=${iso}&to=now&step=10s&provider=stripe&endpoint=/a&endpoint=/b`,
    );
    expect(body.series).toEqual([
      {
        tags: {},
        points: [
          { t: T0, value: 2 / 30 },
          { t: T0 + 10_000, value: 0 },
        ],
      },
    ]);
    const relative = await get('/signals?signal=count&from=now-2m&step=2m');
    expect(relative.body).toMatchObject({
      from: T0,
      to: T0 + 120_000,
      series: [{ points: [{ t: T0, value: 42 }] }],
    });
  });

  it('defaults to the last hour with a step of at most 500 points', async () => {
    const { body } = await get('/signals?signal=request_rate');
    expect(body).toMatchObject({ from: T0 + 120_000 - 3_600_000, to: T0 + 120_000, step: '10s' });
  });

  it.each([
    ['', 'signal'],
    ['signal=p95', 'signal'],
    ['signal=count&measurement=spans', 'measurement'],
    ['signal=count&from=yesterday', 'from'],
    ['signal=count&to=2026-13-45T99:00:00Z', 'to'],
    ['signal=count&step=10', 'step'],
    ['signal=count&step=500ms', 'step'],
    ['signal=count&step=1.5s', 'step'],
    [`signal=count&from=${T0}&to=${T0 - 1}`, 'from'],
    ['signal=count&from=now-500d', 'from'],
    ['signal=count&from=now-30d&step=1s', 'step'],
    ['signal=count&groupBy=provider,color', 'groupBy'],
    ['signal=count&provider=', 'provider'],
    ['signal=count&colour=red', 'colour'],
  ])('/signals?%s → 400 naming %s', async (query, field) => {
    const { status, body } = await get(`/signals?${query}`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_parameter', field });
    expect(body.error.message).toContain(field);
  });

  it('lists logical series with their collectors, or each stored series', async () => {
    const merged = await get('/series?provider=stripe');
    expect(merged.body).toEqual({
      series: [
        {
          measurement: 'api_calls',
          tags: { endpoint: '/a', provider: 'stripe' },
          collectors: ['otlp:a', 'otlp:b'],
        },
        { measurement: 'api_calls', tags: { endpoint: '/b', provider: 'stripe' }, collectors: ['otlp:a'] },
      ],
      truncated: false,
    });
    const separate = await get('/series?provider=stripe&endpoint=/a&replicas=separate');
    expect(separate.body.series).toHaveLength(2);
    expect(separate.body.series[0]!.tags.collector).toBeDefined();
    const limited = await get('/series?limit=1&replicas=separate');
    expect(limited.body).toMatchObject({ truncated: true });
    expect(limited.body.series).toHaveLength(1);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=many', 'limit'],
    ['replicas=both', 'replicas'],
    ['measurement=x', 'measurement'],
    ['from=never', 'from'],
    ['bogus=1', 'bogus'],
  ])('/series?%s → 400 naming %s', async (query, field) => {
    const { status, body } = await get(`/series?${query}`);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_parameter', field });
  });
});
