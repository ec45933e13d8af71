import { DATASOURCE, type Json } from './panels.js';
import { annotationQueries, variableQueries } from './queries.js';

/** Grafana version the JSON model targets (schemaVersion 39 is Grafana 10.3 / 10.4). */
export const GRAFANA_VERSION = '10.4.0';
export const SCHEMA_VERSION = 39;

/** What Grafana asks for on import: the InfluxDB datasource holding Headroom's database. */
export const dashboardInputs: Json[] = [
  {
    name: 'DS_INFLUXDB',
    label: 'InfluxDB (Headroom)',
    description:
      "InfluxDB 1.x datasource, InfluxQL, database = Headroom's store.influx.database (default headroom)",
    type: 'datasource',
    pluginId: 'influxdb',
    pluginName: 'InfluxDB',
  },
];

export const dashboardRequires: Json[] = [
  { type: 'grafana', id: 'grafana', name: 'Grafana', version: GRAFANA_VERSION },
  { type: 'datasource', id: 'influxdb', name: 'InfluxDB', version: '1.0.0' },
  { type: 'panel', id: 'timeseries', name: 'Time series', version: '' },
  { type: 'panel', id: 'heatmap', name: 'Heatmap', version: '' },
  { type: 'panel', id: 'table', name: 'Table', version: '' },
];

/**
 * Multi-value variables with "All" = `.*`: a regex that also matches series without the tag
 * (inbound series have no provider), where Grafana's default All (every value listed) would not.
 */
function tagVariable(name: string, label: string, query: string): Json {
  return {
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    definition: query,
    query,
    refresh: 2,
    regex: '',
    sort: 1,
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    options: [],
    hide: 0,
    skipUrlSync: false,
  };
}

export const dashboardVariables: Json[] = [
  tagVariable('provider', 'Provider', variableQueries.provider),
  tagVariable('service', 'Service', variableQueries.service),
  tagVariable('endpoint', 'Endpoint', variableQueries.endpoint),
];

/**
 * One annotation query. The query and column mappings are written twice: in `target` (Grafana 10+
 * reads that) and at the top level (Grafana 8 and 9 read that).
 */
function annotation(
  name: string,
  query: string,
  mapping: { textColumn: string; tagsColumn: string },
  style: { iconColor: string; enable: boolean },
): Json {
  return {
    name,
    datasource: DATASOURCE,
    enable: style.enable,
    hide: false,
    iconColor: style.iconColor,
    query,
    ...mapping,
    target: {
      refId: 'Anno',
      query,
      rawQuery: true,
      fromAnnotations: true,
      textEditor: true,
      ...mapping,
    },
  };
}

export const dashboardAnnotations: Json[] = [
  {
    builtIn: 1,
    datasource: { type: 'grafana', uid: '-- Grafana --' },
    enable: true,
    hide: true,
    iconColor: 'rgba(0, 211, 255, 1)',
    name: 'Annotations & Alerts',
    type: 'dashboard',
  },
  annotation(
    'Headroom decisions',
    annotationQueries.decisions,
    { textColumn: '_body', tagsColumn: 'target,policy' },
    { iconColor: 'purple', enable: true },
  ),
  annotation(
    'Headroom incidents',
    annotationQueries.incidents,
    { textColumn: '_body', tagsColumn: '_kind' },
    { iconColor: 'red', enable: true },
  ),
  annotation(
    'Headroom anomalies',
    annotationQueries.anomalies,
    { textColumn: '_body', tagsColumn: 'signal' },
    { iconColor: 'orange', enable: false },
  ),
];
