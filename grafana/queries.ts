import { bucketIndex, bucketUpperMs } from '../core/histogram.js';
import type { SignalName } from '../core/signals.js';
import { RAW_RP } from '../storage/influx/influx-schema.js';
import { RECORDS_MEASUREMENT } from '../storage/influx/line-protocol.js';

/**
 * The InfluxQL of the Grafana dashboard, written against the layout InfluxStore writes
 * (storage/influx): rollups in `api_calls` / `inbound`, records in `records`, all read from the
 * raw RP (10 s points), which every panel names explicitly so the datasource needs no default RP.
 * Grafana replaces `$timeFilter`, `$__interval`, `$__interval_ms` and the template variables;
 * multi-value variables are written `/^$var$/`, Grafana's regex form (`(a|b)`, or `.*` for All).
 */

const rp = `"${RAW_RP}"`;
const API_CALLS = `${rp}."api_calls"`;
const INBOUND = `${rp}."inbound"`;
const RECORDS = `${rp}."${RECORDS_MEASUREMENT}"`;

const PROVIDER = `"provider" =~ /^$provider$/`;
const SERVICE = `"service" =~ /^$service$/`;
const ENDPOINT = `"endpoint" =~ /^$endpoint$/`;
const CALLS_WHERE = `${PROVIDER} AND ${SERVICE} AND ${ENDPOINT} AND $timeFilter`;

/** Calls per second: every interval is a multiple of the 10 s rollup (the panels' min interval). */
const RATE = `sum("count") * 1000 / $__interval_ms`;

export const variableQueries = {
  provider: `SHOW TAG VALUES FROM ${API_CALLS} WITH KEY = "provider"`,
  service: `SHOW TAG VALUES FROM ${API_CALLS}, ${INBOUND} WITH KEY = "service"`,
  endpoint: `SHOW TAG VALUES FROM ${API_CALLS} WITH KEY = "endpoint" WHERE ${PROVIDER}`,
} as const;

export const callQueries = {
  rateByProvider: `SELECT ${RATE} AS "rate" FROM ${API_CALLS} WHERE ${CALLS_WHERE} GROUP BY time($__interval), "provider" fill(0)`,
  errorRatioByProvider: `SELECT sum("errors") / sum("count") AS "error_ratio" FROM ${API_CALLS} WHERE ${CALLS_WHERE} GROUP BY time($__interval), "provider" fill(none)`,
  meanLatencyByProvider: `SELECT sum("duration_sum_ms") / sum("count") AS "mean_ms" FROM ${API_CALLS} WHERE ${CALLS_WHERE} GROUP BY time($__interval), "provider" fill(none)`,
  maxLatencyByProvider: `SELECT max("duration_max_ms") AS "max_ms" FROM ${API_CALLS} WHERE ${CALLS_WHERE} GROUP BY time($__interval), "provider" fill(none)`,
  rateByEndpoint: `SELECT ${RATE} AS "rate" FROM ${API_CALLS} WHERE ${CALLS_WHERE} GROUP BY time($__interval), "provider", "endpoint" fill(0)`,
} as const;

export const inboundQueries = {
  rateByService: `SELECT ${RATE} AS "rate" FROM ${INBOUND} WHERE ${SERVICE} AND $timeFilter GROUP BY time($__interval), "service" fill(0)`,
  errorRatioByService: `SELECT sum("errors") / sum("count") AS "error_ratio" FROM ${INBOUND} WHERE ${SERVICE} AND $timeFilter GROUP BY time($__interval), "service" fill(none)`,
} as const;

/** Latencies the heatmap shows: buckets from the one holding 1 ms to the one holding 60 s. */
export const HEATMAP_MIN_MS = 1;
export const HEATMAP_MAX_MS = 60_000;

/** Bucket upper bound as the heatmap row name: 3 significant digits tell neighbours apart (γ ≈ 1.09). */
export function bucketLabel(i: number): string {
  return String(Number(bucketUpperMs(i).toPrecision(3)));
}

/**
 * Calls per latency bucket per interval: one column per `h<i>` field, named after its upper bound
 * in ms, in ascending order (Grafana's heatmap reads a frame of numeric fields as rows, `le`
 * layout). Buckets are listed one by one: InfluxQL cannot add fields that may not exist (a
 * missing field makes the whole sum null), so coarser rows or a quantile cannot be computed here.
 */
export function latencyHeatmapQuery(): string {
  const columns: string[] = [];
  for (let i = bucketIndex(HEATMAP_MIN_MS); i <= bucketIndex(HEATMAP_MAX_MS); i++) {
    columns.push(`sum("h${i}") AS "${bucketLabel(i)}"`);
  }
  return `SELECT ${columns.join(', ')} FROM ${API_CALLS} WHERE ${CALLS_WHERE} GROUP BY time($__interval) fill(0)`;
}

/**
 * Anomaly records of one signal on provider series (the detector watches provider × endpoint);
 * the panel extracts `observed` from the JSON body and draws it as points.
 */
export function providerAnomaliesQuery(signal: SignalName): string {
  return (
    `SELECT "_body" FROM ${RECORDS} WHERE "_kind" = 'anomaly' AND "signal" = '${signal}' ` +
    `AND ${PROVIDER} AND "provider" != '' AND ${ENDPOINT} AND $timeFilter`
  );
}

export const recordQueries = {
  /** Forecast records of a provider's request rate; the panel plots each one's first step. */
  providerForecasts:
    `SELECT "_body" FROM ${RECORDS} WHERE "_kind" = 'forecast' AND "signal" = 'request_rate' ` +
    `AND "measurement" = 'api_calls' AND ${PROVIDER} AND $timeFilter`,
  /** The latest forecast of every forecast series (providers and services). */
  latestForecasts:
    `SELECT last("_body") AS "_body" FROM ${RECORDS} WHERE "_kind" = 'forecast' AND $timeFilter ` +
    `GROUP BY "measurement", "signal", "provider", "service", "endpoint"`,
  anomalies:
    `SELECT "_body", "signal", "provider", "endpoint", "service" FROM ${RECORDS} ` +
    `WHERE "_kind" = 'anomaly' AND $timeFilter ORDER BY time DESC LIMIT 500`,
  decisions:
    `SELECT "_body", "target", "control", "policy" FROM ${RECORDS} ` +
    `WHERE "_kind" = 'decision' AND $timeFilter ORDER BY time DESC LIMIT 500`,
  /** The latest decision per target, control and subject: current and desired state, mode. */
  targetStates:
    `SELECT last("_body") AS "_body" FROM ${RECORDS} WHERE "_kind" = 'decision' AND $timeFilter ` +
    `GROUP BY "target", "control", "provider", "service", "endpoint"`,
  /**
   * Open incidents, however long ago they started (no time filter: an incident is one point at its
   * start time, rewritten as it evolves). IncidentState.toRecord writes `status` first.
   */
  openIncidents: `SELECT "_body" FROM ${RECORDS} WHERE "_kind" = 'incident' AND "_body" =~ /^\\{"status":"open"/`,
} as const;

/**
 * Annotation queries: Grafana maps columns to the annotation's text and tags (`textColumn`,
 * `tagsColumn`); a row with a null in any selected column is dropped by Grafana, so only tags
 * every record of the kind carries are selected.
 */
export const annotationQueries = {
  decisions:
    // The outcome is in the body, not a tag (an enforced apply rewrites it under the same id).
    `SELECT "_body", "target", "policy" FROM ${RECORDS} ` +
    `WHERE "_kind" = 'decision' AND "_body" !~ /"outcome":"unchanged"/ AND $timeFilter`,
  incidents: `SELECT "_body", "_kind" FROM ${RECORDS} WHERE "_kind" = 'incident' AND $timeFilter`,
  anomalies: `SELECT "_body", "signal" FROM ${RECORDS} WHERE "_kind" = 'anomaly' AND $timeFilter`,
} as const;
