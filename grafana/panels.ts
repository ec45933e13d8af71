/**
 * Builders for the Grafana (10.4, schemaVersion 39) JSON model of the dashboard's panels: just the
 * parts Headroom's dashboard uses. Every target is a raw InfluxQL query on the `${DS_INFLUXDB}`
 * datasource input, chosen when the dashboard is imported.
 */

export type Json = Record<string, unknown>;

export const DATASOURCE = { type: 'influxdb', uid: '${DS_INFLUXDB}' } as const;

/**
 * Smallest GROUP BY interval: Grafana rounds intervals to 10s, 15s, 20s, 30s, 1m, …; 15 s is not a
 * multiple of the 10 s rollup, so per-interval sums would alternate between one and two points.
 * From 20 s up every rounded interval is a multiple of 10 s.
 */
export const MIN_INTERVAL = '20s';

export interface Target {
  refId: string;
  query: string;
  /** `time_series` (one series per tag set, named by `alias`) or `table` (columns as fields). */
  format: 'time_series' | 'table';
  alias?: string;
}

export function influxTarget(t: Target): Json {
  return {
    datasource: DATASOURCE,
    refId: t.refId,
    query: t.query,
    rawQuery: true,
    resultFormat: t.format,
    ...(t.alias ? { alias: t.alias } : {}),
  };
}

/** A panel's place on the 24-column grid. */
export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Places panels left to right, wrapping at 24 columns; rows take a full line. */
export class GridLayout {
  private x = 0;
  private y = 0;
  private lineHeight = 0;
  private nextId = 1;

  place(w: number, h: number): { id: number; gridPos: GridPos } {
    if (this.x + w > 24) this.newLine();
    const gridPos = { x: this.x, y: this.y, w, h };
    this.x += w;
    this.lineHeight = Math.max(this.lineHeight, h);
    return { id: this.nextId++, gridPos };
  }

  row(title: string): Json {
    this.newLine();
    const { id, gridPos } = this.place(24, 1);
    this.newLine();
    return { type: 'row', id, title, collapsed: false, gridPos, panels: [] };
  }

  private newLine(): void {
    this.y += this.lineHeight;
    this.x = 0;
    this.lineHeight = 0;
  }
}

export interface PanelSpec {
  title: string;
  description: string;
  targets: Target[];
  transformations?: Json[];
  overrides?: Json[];
  /** Template variable to repeat the panel for, one copy per selected value. */
  repeat?: string;
}

export interface TimeseriesSpec extends PanelSpec {
  unit: string;
}

export function timeseriesPanel(at: { id: number; gridPos: GridPos }, spec: TimeseriesSpec): Json {
  return {
    ...common(at, spec),
    type: 'timeseries',
    interval: MIN_INTERVAL,
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        min: 0,
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: 'line',
          lineInterpolation: 'linear',
          lineWidth: 1,
          fillOpacity: 8,
          showPoints: 'never',
          spanNulls: false,
          axisPlacement: 'auto',
        },
      },
      overrides: spec.overrides ?? [],
    },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };
}

export function tablePanel(at: { id: number; gridPos: GridPos }, spec: PanelSpec): Json {
  return {
    ...common(at, spec),
    type: 'table',
    fieldConfig: {
      defaults: { custom: { align: 'auto', cellOptions: { type: 'auto' }, inspect: true } },
      overrides: spec.overrides ?? [],
    },
    options: { showHeader: true, cellHeight: 'sm', footer: { show: false } },
  };
}

/**
 * A heatmap of pre-bucketed data: one numeric field per bucket, named by its upper bound (`le`),
 * as Grafana's heatmap reads a "rows" frame; nothing is recalculated in the browser.
 */
export function heatmapPanel(
  at: { id: number; gridPos: GridPos },
  spec: PanelSpec & { yUnit: string },
): Json {
  return {
    ...common(at, spec),
    type: 'heatmap',
    interval: MIN_INTERVAL,
    maxPerRow: 3,
    fieldConfig: { defaults: {}, overrides: spec.overrides ?? [] },
    options: {
      calculate: false,
      cellGap: 0,
      color: {
        mode: 'scheme',
        scheme: 'Oranges',
        scale: 'exponential',
        exponent: 0.5,
        steps: 64,
        fill: 'dark-orange',
        reverse: false,
      },
      filterValues: { le: 1e-9 },
      rowsFrame: { layout: 'le', value: 'calls' },
      yAxis: { axisPlacement: 'left', unit: spec.yUnit, reverse: false },
      legend: { show: true },
      tooltip: { show: true, mode: 'single', yHistogram: true, showColorScale: false },
      exemplars: { color: 'rgba(255,0,255,0.7)' },
    },
  };
}

function common(at: { id: number; gridPos: GridPos }, spec: PanelSpec): Json {
  return {
    id: at.id,
    gridPos: at.gridPos,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    targets: spec.targets.map(influxTarget),
    transformations: spec.transformations ?? [],
    ...(spec.repeat ? { repeat: spec.repeat, repeatDirection: 'h' } : {}),
  };
}

/** Parses the JSON `_body` of the records from one query into fields (Grafana "Extract fields"). */
export function extractBody(
  refId: string | undefined,
  paths: readonly (readonly [path: string, alias: string])[],
  keep: { time: boolean; otherColumns: boolean },
): Json {
  return {
    id: 'extractFields',
    ...(refId ? { filter: { id: 'byRefId', options: refId } } : {}),
    options: {
      source: '_body',
      format: 'json',
      jsonPaths: paths.map(([path, alias]) => ({ path, alias })),
      replace: !keep.otherColumns,
      keepTime: keep.time,
    },
  };
}

/** Hides the raw `_body` column and orders the rest. */
export function organize(indexByName: readonly string[], exclude: readonly string[] = ['_body']): Json {
  return {
    id: 'organize',
    options: {
      excludeByName: Object.fromEntries(exclude.map((name) => [name, true])),
      indexByName: Object.fromEntries(indexByName.map((name, i) => [name, i])),
      renameByName: {},
    },
  };
}

/** Field override: `matcher` is Grafana's field matcher (byName, byFrameRefID, …). */
export function override(
  matcher: { id: string; options: string },
  properties: Record<string, unknown>,
): Json {
  return { matcher, properties: Object.entries(properties).map(([id, value]) => ({ id, value })) };
}
