import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpHarness } from '../collectors/testing/otlp-harness.js';
import { testLogger } from '../collectors/testing/test-logger.js';
import { rollupConfigSchema } from '../collectors/rollup-config.js';
import { bucketIndex, quantileMs } from '../core/histogram.js';
import { alignTime } from '../core/rollup.js';
import { querySignal } from '../core/signal-query.js';
import type { SignalName } from '../core/signals.js';
import { influxConfigSchema } from '../storage/config.js';
import { InfluxStore } from '../storage/influx/influx-store.js';
import { influxdAvailable, sharedOrOwnInflux } from '../test/helpers/influx-server.js';
import { DASHBOARD_FILE } from './build-dashboard.js';
import { headroomDashboard } from './headroom-dashboard.js';
import { bucketLabel, HEATMAP_MAX_MS, HEATMAP_MIN_MS } from './queries.js';
import { dashboardQueries, dashboardVariables, type DashboardQuery } from './testing/dashboard-queries.js';
import { demoRecords } from './testing/demo-records.js';
import { DEMO_PROVIDERS, sendDemoTraffic, type DemoScenario } from './testing/demo-traffic.js';
import {
  grafanaIntervalMs,
  interpolate,
  timeFilter,
  type Interpolation,
  type Selection,
} from './testing/grafana-interpolate.js';
import {
  columnValues,
  influxQuery,
  rowsWithData,
  seriesByTag,
  type QueryResult,
} from './testing/influx-http.js';

type Json = Record<string, unknown>;
const MINUTE_MS = 60_000;
/** Grafana's max data points for a panel about 1,000 px wide. */
const MAX_DATA_POINTS = 1_000;

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Json;
const queries = dashboardQueries(dashboard);
const variables = dashboardVariables(dashboard);

function panels(items: unknown = dashboard.panels): Json[] {
  return (items as Json[]).flatMap((p) => [p, ...panels(p.panels ?? [])]);
}
function targetQuery(title: string, refId: string): DashboardQuery {
  const found = queries.find((q) => q.where.includes(`"${title}" target ${refId}`));
  if (!found) throw new Error(`no target ${refId} in "${title}"`);
  return found;
}

/** `a.b[0]` as lodash get reads it (Grafana's Extract fields JSON paths). */
function jsonPath(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

describe('grafana/headroom-influxdb.json', () => {
  it('is what grafana/headroom-dashboard.ts builds (regenerate: npx tsx grafana/build-dashboard.ts)', () => {
    expect(dashboard).toEqual(headroomDashboard());
  });

  it('is importable: datasource input, schema version, unique panel ids, panels on the 24-column grid', () => {
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_INFLUXDB', pluginId: 'influxdb' }),
    ]);
    const ids = panels().map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels()) {
      const pos = p.gridPos as { x: number; w: number };
      expect(pos.x + pos.w, String(p.title)).toBeLessThanOrEqual(24);
      const ds = (p.datasource ?? { uid: '${DS_INFLUXDB}' }) as { uid: string };
      if (p.type !== 'row') expect(ds.uid).toBe('${DS_INFLUXDB}');
    }
  });

  it('has every query the issue asks for, decisions and incidents as annotations', () => {
    const where = queries.map((q) => q.where);
    expect(where).toEqual(
      expect.arrayContaining([
        'variable provider',
        'variable service',
        'variable endpoint',
        'annotation "Headroom decisions" (target)',
        'annotation "Headroom incidents" (target)',
      ]),
    );
    expect(queries.length).toBeGreaterThanOrEqual(25);
  });
});

const run = influxdAvailable();

describe.runIf(run)('every InfluxQL query of the dashboard on a real InfluxDB after demo traffic', () => {
  let influx: { url: string; close(): Promise<void> } | undefined;
  let harness: OtlpHarness | undefined;
  const database = `headroom_grafana_${process.pid}`;
  const toMs = alignTime(Date.now(), 10 * MINUTE_MS);
  const scenario: DemoScenario = {
    fromMs: toMs - 90 * MINUTE_MS,
    toMs,
    incident: { fromMs: toMs - 60 * MINUTE_MS, toMs: toMs - 45 * MINUTE_MS },
    surgeFromMs: toMs - 20 * MINUTE_MS,
    seed: 8,
  };
  let spans = 0;

  beforeAll(async () => {
    influx = await sharedOrOwnInflux();
    const config = influxConfigSchema.parse({ url: influx.url, database, flushIntervalMs: 20 });
    const rollup = rollupConfigSchema.parse({ providers: DEMO_PROVIDERS });
    harness = new OtlpHarness({
      rollup: { providers: DEMO_PROVIDERS },
      store: (clock) => new InfluxStore(config, { logger: testLogger(), clock, backfillIntervalMs: 0 }),
    });
    harness.clock.set(scenario.fromMs);
    await harness.start();
    spans = await sendDemoTraffic(harness, scenario, rollup);
    // Forecast records centred on each series' real mean rate, as a forecaster would put them.
    const rates: Record<string, number> = {};
    for (const [measurement, tag] of [
      ['api_calls', 'provider'],
      ['inbound', 'service'],
    ] as const) {
      // A 1 min step reads the raw RP (a 5 min multiple would read the CQ-downsampled one).
      const window = { from: scenario.fromMs, to: scenario.toMs, stepMs: MINUTE_MS };
      const groups = await querySignal(harness.store, {
        measurement,
        signal: 'request_rate',
        groupBy: [tag],
        ...window,
      });
      for (const g of groups) {
        rates[`${measurement}:${tag}:${g.tags[tag]}`] =
          g.points.reduce((n, p) => n + p.value, 0) / Math.max(1, g.points.length);
      }
    }
    await harness.store.putRecords(demoRecords(scenario, rates));
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
    if (influx) await influxQuery(influx.url, database, `DROP DATABASE "${database}"`);
    await influx?.close();
  });

  const at =
    (selections: Record<string, Selection>, range: Parameters<typeof timeFilter>[0]) =>
    (q: DashboardQuery): Interpolation => {
      const rangeMs = 'lastMs' in range ? range.lastMs : range.toMs - range.fromMs;
      return {
        timeFilter: timeFilter(range),
        intervalMs: grafanaIntervalMs(rangeMs, MAX_DATA_POINTS, q.minInterval),
        variables,
        selections,
      };
    };
  const all = { all: true } as const;
  const absolute = () => ({ fromMs: scenario.fromMs, toMs: scenario.toMs - 1 });
  const variants: [string, (q: DashboardQuery) => Interpolation][] = [
    [
      'all variables on All, absolute range',
      (q) => at({ provider: all, service: all, endpoint: all }, absolute())(q),
    ],
    [
      'provider = stripe (a repeated panel), last 6 h',
      (q) =>
        at(
          { provider: { values: ['stripe'] }, service: all, endpoint: all },
          { lastMs: 6 * 60 * MINUTE_MS },
        )(q),
    ],
    [
      'two providers, one service, two endpoints (regex-escaped), absolute range',
      (q) =>
        at(
          {
            provider: { values: ['stripe', 'mail'] },
            service: { values: ['checkout'] },
            endpoint: { values: ['/v1/charges', '/v3/mail/send'] },
          },
          absolute(),
        )(q),
    ],
  ];

  it('sent realistic traffic through the OTel SDK, OTLP receiver and rollup', () => {
    expect(spans).toBeGreaterThan(10_000);
  });

  describe.each(variants)('%s', (_name, interpolation) => {
    it.each(queries.map((q) => [q.where, q] as const))('%s returns data', async (_where, q) => {
      const text = interpolate(q.query, interpolation(q));
      expect(text, 'a macro or variable was left').not.toMatch(/\$[A-Za-z_{]|\[\[/);
      const result = await influxQuery(influx!.url, database, text);
      expect(result.error, text).toBeUndefined();
      expect(rowsWithData(result), `no data for: ${text}`).toBeGreaterThan(0);
    });
  });

  const runPanelQuery = async (
    title: string,
    refId: string,
  ): Promise<{ result: QueryResult; stepMs: number }> => {
    const q = targetQuery(title, refId);
    const i = variants[0]![1](q);
    const result = await influxQuery(influx!.url, database, interpolate(q.query, i));
    expect(result.error).toBeUndefined();
    return { result, stepMs: i.intervalMs };
  };

  const signalPanels: [
    title: string,
    column: string,
    measurement: 'api_calls' | 'inbound',
    tag: string,
    signal: SignalName,
  ][] = [
    ['Request rate', 'rate', 'api_calls', 'provider', 'request_rate'],
    ['Error ratio', 'error_ratio', 'api_calls', 'provider', 'error_ratio'],
    ['Mean latency (red: p95 at anomalies)', 'mean_ms', 'api_calls', 'provider', 'latency_mean_ms'],
    ['Max latency', 'max_ms', 'api_calls', 'provider', 'latency_max_ms'],
    ['Inbound load per service', 'rate', 'inbound', 'service', 'request_rate'],
    ['Inbound error ratio per service', 'error_ratio', 'inbound', 'service', 'error_ratio'],
  ];

  it.each(signalPanels)(
    '"%s" shows the same numbers as Headroom (%s)',
    async (title, column, measurement, tag, signal) => {
      const { result, stepMs } = await runPanelQuery(title, 'A');
      const grafana = seriesByTag(result, tag, column);
      const own = await querySignal(harness!.store, {
        measurement,
        signal,
        from: scenario.fromMs,
        to: scenario.toMs,
        stepMs,
        groupBy: [tag],
      });
      expect([...grafana.keys()].sort()).toEqual(own.map((g) => g.tags[tag]).sort());
      for (const group of own) {
        const points = grafana.get(group.tags[tag] ?? '')!;
        expect(group.points.length).toBeGreaterThan(100);
        for (const p of group.points) {
          expect(points.get(p.t), `${tag} ${group.tags[tag]} at ${p.t}`).toBeCloseTo(p.value, 9);
        }
      }
    },
  );

  it("the latency heatmap holds every call, and its rows give Headroom's own p95", async () => {
    const { result, stepMs } = await runPanelQuery('Latency distribution: $provider', 'A');
    const [series] = result.series ?? [];
    const indexOf = new Map<string, number>();
    for (let i = bucketIndex(HEATMAP_MIN_MS); i <= bucketIndex(HEATMAP_MAX_MS); i++)
      indexOf.set(bucketLabel(i), i);
    expect(indexOf.size).toBe(bucketIndex(HEATMAP_MAX_MS) - bucketIndex(HEATMAP_MIN_MS) + 1);
    const window = { measurement: 'api_calls' as const, from: scenario.fromMs, to: scenario.toMs, stepMs };
    const [count] = await querySignal(harness!.store, { ...window, signal: 'count' });
    const [p95] = await querySignal(harness!.store, { ...window, signal: 'latency_p95_ms' });
    const counts = new Map(count!.points.map((p) => [p.t, p.value]));
    const ownP95 = new Map(p95!.points.map((p) => [p.t, p.value]));
    let compared = 0;
    for (const row of series!.values) {
      const histogram: Record<number, number> = {};
      series!.columns.forEach((c, k) => {
        const v = row[k];
        if (c !== 'time' && typeof v === 'number' && v > 0) histogram[indexOf.get(c)!] = v;
      });
      const t = row[0] as number;
      const total = Object.values(histogram).reduce((n, v) => n + v, 0);
      expect(total, `calls at ${t}`).toBe(counts.get(t) ?? 0);
      if (total > 0) {
        expect(quantileMs(histogram, 0.95)).toBe(ownP95.get(t));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('every JSON path a panel extracts from a record body exists in the records it queries', async () => {
    for (const p of panels()) {
      for (const t of (p.transformations ?? []) as Json[]) {
        if (t.id !== 'extractFields') continue;
        const refId = (t.filter as { options?: string } | undefined)?.options;
        const targets = (p.targets as Json[]).filter((x) => refId === undefined || x.refId === refId);
        const bodies: unknown[] = [];
        for (const target of targets) {
          const { result } = await runPanelQuery(String(p.title), String(target.refId));
          bodies.push(...columnValues(result, '_body').map((b) => JSON.parse(String(b)) as unknown));
        }
        expect(bodies.length, String(p.title)).toBeGreaterThan(0);
        for (const { path } of (t.options as { jsonPaths: { path: string }[] }).jsonPaths) {
          expect(
            bodies.some((b) => jsonPath(b, path) !== undefined),
            `"${String(p.title)}": ${path}`,
          ).toBe(true);
        }
      }
    }
  });

  it('annotations: every row has its text and tag columns (Grafana drops rows with a null)', async () => {
    const list = (dashboard.annotations as { list: Json[] }).list.filter((a) => a.builtIn !== 1);
    for (const a of list) {
      const target = a.target as { query: string; textColumn: string; tagsColumn: string };
      const q = { where: String(a.name), query: target.query };
      const result = await influxQuery(influx!.url, database, interpolate(q.query, variants[0]![1](q)));
      const [series] = result.series ?? [];
      const wanted = [target.textColumn, ...target.tagsColumn.split(',')];
      expect(series?.columns, String(a.name)).toEqual(expect.arrayContaining(wanted));
      for (const row of series!.values)
        expect(
          row.every((v) => v !== null),
          String(a.name),
        ).toBe(true);
    }
  });
});
