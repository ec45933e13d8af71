import {
  SCHEMA_VERSION,
  dashboardAnnotations,
  dashboardInputs,
  dashboardRequires,
  dashboardVariables,
} from './dashboard-meta.js';
import {
  extractBody,
  GridLayout,
  heatmapPanel,
  organize,
  override,
  tablePanel,
  timeseriesPanel,
  type Json,
} from './panels.js';
import { recordPanels } from './record-panels.js';
import {
  callQueries,
  HEATMAP_MAX_MS,
  HEATMAP_MIN_MS,
  inboundQueries,
  latencyHeatmapQuery,
  providerAnomaliesQuery,
  recordQueries,
} from './queries.js';

/** Anomaly records of refId B drawn as red points named "anomaly" (their `observed` value). */
const anomalyPoints = {
  transformations: [extractBody('B', [['observed', 'anomaly']], { time: true, otherColumns: false })],
  overrides: [
    override(
      { id: 'byFrameRefID', options: 'B' },
      {
        'custom.drawStyle': 'points',
        'custom.pointSize': 9,
        color: { mode: 'fixed', fixedColor: 'red' },
      },
    ),
  ],
};

function providerPanels(grid: GridLayout): Json[] {
  const anomalies = (signal: Parameters<typeof providerAnomaliesQuery>[0]) => ({
    refId: 'B',
    query: providerAnomaliesQuery(signal),
    format: 'table' as const,
  });
  return [
    grid.row('Third-party APIs by provider'),
    timeseriesPanel(grid.place(12, 8), {
      title: 'Request rate',
      description:
        'Calls per second to each provider: sum(count) / interval. Red points: request-rate anomalies ' +
        'Headroom detected (observed value, per provider and endpoint).',
      unit: 'reqps',
      targets: [
        { refId: 'A', query: callQueries.rateByProvider, format: 'time_series', alias: '$tag_provider' },
        anomalies('request_rate'),
      ],
      ...anomalyPoints,
    }),
    timeseriesPanel(grid.place(12, 8), {
      title: 'Error ratio',
      description:
        'Failed calls / calls per provider: sum(errors) / sum(count). Red points: error-ratio anomalies.',
      unit: 'percentunit',
      targets: [
        {
          refId: 'A',
          query: callQueries.errorRatioByProvider,
          format: 'time_series',
          alias: '$tag_provider',
        },
        anomalies('error_ratio'),
      ],
      ...anomalyPoints,
    }),
    timeseriesPanel(grid.place(12, 8), {
      title: 'Mean latency (red: p95 at anomalies)',
      description:
        'Mean call duration per provider: sum(duration_sum_ms) / sum(count). InfluxQL cannot compute ' +
        'a p95 from the histogram buckets; red points are the p95 Headroom itself computed where it ' +
        'flagged a latency_p95_ms anomaly. The distribution panels below show where the p95 lies.',
      unit: 'ms',
      targets: [
        {
          refId: 'A',
          query: callQueries.meanLatencyByProvider,
          format: 'time_series',
          alias: '$tag_provider',
        },
        anomalies('latency_p95_ms'),
      ],
      ...anomalyPoints,
    }),
    timeseriesPanel(grid.place(12, 8), {
      title: 'Max latency',
      description: 'Slowest call per provider and interval: max(duration_max_ms).',
      unit: 'ms',
      targets: [
        {
          refId: 'A',
          query: callQueries.maxLatencyByProvider,
          format: 'time_series',
          alias: '$tag_provider',
        },
      ],
    }),
    grid.row('Latency distribution (where the p95 lies)'),
    heatmapPanel(grid.place(8, 9), {
      title: 'Latency distribution: $provider',
      description:
        `Calls per latency bucket and interval, from Headroom's log histogram (h<i> fields, bucket i ` +
        `holds durations up to 0.01 ms × 2^(i/8)); rows are bucket upper bounds from ${HEATMAP_MIN_MS} ms ` +
        `to ${HEATMAP_MAX_MS / 1000} s, calls outside that range are not shown. The p95 is the row ` +
        `below which 95% of an interval's calls fall.`,
      yUnit: 'ms',
      repeat: 'provider',
      targets: [{ refId: 'A', query: latencyHeatmapQuery(), format: 'table' }],
    }),
    grid.row('Endpoints'),
    timeseriesPanel(grid.place(24, 8), {
      title: 'Request rate by endpoint',
      description: 'Calls per second per provider and endpoint (the URL template Headroom tags calls with).',
      unit: 'reqps',
      targets: [
        {
          refId: 'A',
          query: callQueries.rateByEndpoint,
          format: 'time_series',
          alias: '$tag_provider $tag_endpoint',
        },
      ],
    }),
  ];
}

function forecastPanels(grid: GridLayout): Json[] {
  const band = { 'custom.lineWidth': 0, color: { mode: 'fixed', fixedColor: 'blue' } };
  return [
    grid.row('Forecasts'),
    timeseriesPanel(grid.place(8, 8), {
      title: 'Request rate vs forecast: $provider',
      description:
        'Calls per second with the p10–p90 band and p50 of the forecasts Headroom issued, each ' +
        "drawn at its first step (one step ahead). A forecast's later steps live in a JSON array " +
        'InfluxQL cannot unfold, so the band does not reach past now: the table below has the latest.',
      unit: 'reqps',
      repeat: 'provider',
      targets: [
        { refId: 'A', query: callQueries.rateByProvider, format: 'time_series', alias: 'observed' },
        { refId: 'B', query: recordQueries.providerForecasts, format: 'table' },
      ],
      transformations: [
        extractBody(
          'B',
          [
            ['startMs', 'forecast_time'],
            ['p10[0]', 'p10'],
            ['p50[0]', 'p50'],
            ['p90[0]', 'p90'],
          ],
          { time: false, otherColumns: false },
        ),
        {
          id: 'convertFieldType',
          filter: { id: 'byRefId', options: 'B' },
          options: { conversions: [{ targetField: 'forecast_time', destinationType: 'time' }] },
        },
      ],
      overrides: [
        override(
          { id: 'byName', options: 'p90' },
          { ...band, 'custom.fillBelowTo': 'p10', 'custom.fillOpacity': 25 },
        ),
        override({ id: 'byName', options: 'p10' }, band),
        override(
          { id: 'byName', options: 'p50' },
          {
            'custom.lineStyle': { fill: 'dash', dash: [10, 10] },
            color: { mode: 'fixed', fixedColor: 'blue' },
          },
        ),
      ],
    }),
    tablePanel(grid.place(24, 8), {
      title: 'Latest forecasts',
      description:
        'The latest forecast of every forecast series in the time range: model, first step and its ' +
        'p10 / p50 / p90, step length and any note (cold start, fallback model).',
      targets: [{ refId: 'A', query: recordQueries.latestForecasts, format: 'table' }],
      transformations: [
        extractBody(
          undefined,
          [
            ['signal', 'signal'],
            ['model.id', 'model'],
            ['startMs', 'first step'],
            ['stepMs', 'step ms'],
            ['p10[0]', 'p10'],
            ['p50[0]', 'p50'],
            ['p90[0]', 'p90'],
            ['note', 'note'],
          ],
          { time: true, otherColumns: true },
        ),
        organize(['Time', 'measurement', 'provider', 'service', 'endpoint', 'signal', 'model']),
      ],
      overrides: [override({ id: 'byName', options: 'first step' }, { unit: 'dateTimeAsIso' })],
    }),
  ];
}

function inboundPanels(grid: GridLayout): Json[] {
  return [
    grid.row('Services (inbound load)'),
    timeseriesPanel(grid.place(12, 8), {
      title: 'Inbound load per service',
      description: 'Requests per second each service served (its SERVER spans): what scaling acts on.',
      unit: 'reqps',
      targets: [
        { refId: 'A', query: inboundQueries.rateByService, format: 'time_series', alias: '$tag_service' },
      ],
    }),
    timeseriesPanel(grid.place(12, 8), {
      title: 'Inbound error ratio per service',
      description: 'Failed requests / requests per service.',
      unit: 'percentunit',
      targets: [
        {
          refId: 'A',
          query: inboundQueries.errorRatioByService,
          format: 'time_series',
          alias: '$tag_service',
        },
      ],
    }),
  ];
}

/** The whole dashboard, as `grafana/headroom-influxdb.json` holds it. */
export function headroomDashboard(): Json {
  const grid = new GridLayout();
  return {
    __inputs: dashboardInputs,
    __elements: {},
    __requires: dashboardRequires,
    annotations: { list: dashboardAnnotations },
    description:
      "Headroom's view of third-party API traffic, latency, forecasts, anomalies, decisions and incidents, " +
      'read from the InfluxDB 1.x database Headroom writes (see grafana/README.md).',
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    links: [],
    liveNow: false,
    panels: [...providerPanels(grid), ...forecastPanels(grid), ...inboundPanels(grid), ...recordPanels(grid)],
    refresh: '30s',
    schemaVersion: SCHEMA_VERSION,
    tags: ['headroom', 'influxdb'],
    templating: { list: dashboardVariables },
    time: { from: 'now-6h', to: 'now' },
    timepicker: { refresh_intervals: ['10s', '30s', '1m', '5m', '15m'] },
    timezone: '',
    title: 'Headroom (InfluxDB)',
    uid: 'headroom-influxdb',
    version: 1,
    weekStart: '',
  };
}
