import { addExplicitBuckets, type SparseHistogram } from '../../core/histogram.js';
import type { Measurement } from '../../core/rollup.js';
import type { CallTagger } from '../call-tagger.js';
import { normalizeMethod } from '../http-method.js';
import { DROPPED_TOO_OLD, type Rollup } from '../rollup.js';
import { statusOutcome } from '../status-class.js';
import { CallAttributes } from './call-attributes.js';
import { IngestTally } from './ingest-tally.js';
import { readResource } from './resource.js';
import { anyValueString, listOf, nanosToMs } from './values.js';
import {
  estimateMaxMs,
  estimateSumMs,
  explicitBuckets,
  exponentialBuckets,
  type PointLike,
} from './histogram-points.js';
import { CumulativeStreams, type BucketCounts } from './cumulative-streams.js';

/** Duration histograms the rollup understands, with their unit when the point gives none. */
const DURATION_METRICS = new Map<string, { measurement: Measurement; defaultMsPerUnit: number }>([
  // Current HTTP semantic conventions: seconds.
  ['http.client.request.duration', { measurement: 'api_calls', defaultMsPerUnit: 1_000 }],
  ['http.server.request.duration', { measurement: 'inbound', defaultMsPerUnit: 1_000 }],
  // Older conventions (semconv < 1.20): milliseconds.
  ['http.client.duration', { measurement: 'api_calls', defaultMsPerUnit: 1 }],
  ['http.server.duration', { measurement: 'inbound', defaultMsPerUnit: 1 }],
  ['rpc.client.duration', { measurement: 'api_calls', defaultMsPerUnit: 1 }],
  ['rpc.server.duration', { measurement: 'inbound', defaultMsPerUnit: 1 }],
]);

const UNITS: Record<string, number> = { s: 1_000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000_001 };

const DELTA = 1;
const CUMULATIVE = 2;

export interface MetricMapperOptions {
  rollup: Rollup;
  tagger: CallTagger;
  maxTagValueLength: number;
  /** When the receiver started listening (cumulative streams that began later count in full). */
  listeningSinceMs: number;
}

/**
 * Rolls up the request-duration histograms of an ExportMetricsServiceRequest
 * (`http.client.request.duration` → api_calls, `http.server.request.duration` → inbound, and
 * their pre-1.20 names in ms): each data point's buckets are spread into the log buckets
 * (core/histogram.ts addExplicitBuckets), its count and sum added, its attributes mapped like
 * span attributes. Units follow the metric's `unit` (s, ms, us, ns), else the convention.
 *
 * Temporality: delta points add as they are. Cumulative points are turned into deltas per
 * stream (cumulative-streams.ts). Other metrics are accepted and ignored. Exponential
 * histograms are supported with delta temporality; cumulative ones are rejected with a message.
 */
export class MetricMapper {
  private readonly attrs = new CallAttributes();
  private readonly streams: CumulativeStreams;

  constructor(private readonly options: MetricMapperOptions) {
    this.streams = new CumulativeStreams(options.listeningSinceMs);
  }

  map(request: unknown, nowMs: number): IngestTally {
    const tally = new IngestTally();
    const resourceMetrics = listOf((request as { resourceMetrics?: unknown } | null)?.resourceMetrics);
    for (const rm of resourceMetrics) {
      if (typeof rm !== 'object' || rm === null) continue;
      const resource = readResource((rm as { resource?: unknown }).resource);
      for (const sm of listOf((rm as { scopeMetrics?: unknown }).scopeMetrics)) {
        for (const metric of listOf((sm as { metrics?: unknown } | null)?.metrics)) {
          this.mapMetric(metric as MetricLike | null, resource, tally, nowMs);
        }
      }
    }
    return tally;
  }

  private mapMetric(
    metric: MetricLike | null,
    resource: { service: string; region: string },
    tally: IngestTally,
    nowMs: number,
  ): void {
    if (typeof metric !== 'object' || metric === null) return;
    const known = typeof metric.name === 'string' ? DURATION_METRICS.get(metric.name) : undefined;
    const histogram = metric.histogram ?? metric.exponentialHistogram;
    if (!known || typeof histogram !== 'object' || histogram === null) {
      tally.received += countPoints(metric);
      tally.ignored += countPoints(metric);
      return;
    }
    const msPerUnit =
      typeof metric.unit === 'string' && metric.unit !== '' ? UNITS[metric.unit] : known.defaultMsPerUnit;
    const temporality = temporalityOf(histogram.aggregationTemporality);
    const exponential = metric.histogram == null;
    const streamPrefix = `${resource.service}\u001f${resource.region}\u001f${metric.name}`;
    for (const item of listOf(histogram.dataPoints)) {
      tally.received++;
      if (msPerUnit === undefined) {
        tally.reject(`data points of duration metrics with an unknown unit (use s or ms)`);
        continue;
      }
      if (temporality !== DELTA && temporality !== CUMULATIVE) {
        tally.reject('data points with an unspecified aggregation temporality');
        continue;
      }
      if (exponential && temporality === CUMULATIVE) {
        tally.reject('cumulative exponential histogram points (export them with delta temporality)');
        continue;
      }
      const point = item as PointLike | null;
      const buckets =
        point === null || typeof point !== 'object'
          ? undefined
          : exponential
            ? exponentialBuckets(point, msPerUnit)
            : explicitBuckets(point, msPerUnit);
      if (!point || !buckets) {
        tally.reject('histogram data points with inconsistent counts or bounds');
        continue;
      }
      const timeMs = nanosToMs(point.timeUnixNano);
      const delta =
        temporality === DELTA
          ? buckets
          : this.streams.delta(
              streamPrefix + attributeKey(point.attributes),
              nanosToMs(point.startTimeUnixNano),
              timeMs,
              buckets,
            );
      if (delta === undefined || delta.count <= 0) continue;
      this.recordPoint(
        known.measurement,
        resource,
        point,
        delta,
        temporality === DELTA,
        timeMs,
        nowMs,
        tally,
      );
    }
  }

  private recordPoint(
    measurement: Measurement,
    resource: { service: string; region: string },
    point: PointLike,
    delta: BucketCounts,
    isDelta: boolean,
    timeMs: number,
    nowMs: number,
    tally: IngestTally,
  ): void {
    const { rollup, tagger, maxTagValueLength } = this.options;
    const attrs = this.attrs;
    attrs.read(point.attributes);
    const provider = measurement === 'api_calls' ? tagger.provider(attrs.host(), attrs.peerService()) : '';
    const template = attrs.template();
    const endpoint = template !== '' ? template : tagger.endpoint('', attrs.path());
    if (
      resource.service.length > maxTagValueLength ||
      attrs.calleeRegion().length > maxTagValueLength ||
      provider.length > maxTagValueLength ||
      endpoint.length > maxTagValueLength
    ) {
      tally.reject(`data points with a service, host or route longer than ${maxTagValueLength} characters`);
      return;
    }
    const outcome = statusOutcome(attrs.status(), attrs.errorType() !== '');
    const histogram: SparseHistogram = {};
    if (delta.zeroCount > 0) histogram[0] = delta.zeroCount;
    addExplicitBuckets(histogram, delta.boundsMs, delta.counts, delta.minMs, delta.maxMs);
    const recorded = rollup.recordAggregate(
      measurement,
      {
        service: resource.service,
        provider,
        endpoint,
        method: normalizeMethod(attrs.method()),
        region: (measurement === 'api_calls' && attrs.calleeRegion()) || resource.region,
        statusClass: outcome.statusClass,
      },
      timeMs,
      nowMs,
      {
        count: delta.count,
        errors: outcome.isError ? delta.count : 0,
        durationSumMs: Number.isFinite(delta.sumMs) ? delta.sumMs : estimateSumMs(histogram),
        durationMaxMs:
          isDelta && delta.maxMs !== undefined ? delta.maxMs : estimateMaxMs(histogram, delta.maxMs),
        histogram,
      },
    );
    if (recorded === DROPPED_TOO_OLD)
      tally.reject('data points older than the rollup accepts (collectors.rollup.maxLateMs)');
  }
}

interface MetricLike {
  name?: unknown;
  unit?: unknown;
  histogram?: HistogramLike | null;
  exponentialHistogram?: HistogramLike | null;
  gauge?: { dataPoints?: unknown } | null;
  sum?: { dataPoints?: unknown } | null;
  summary?: { dataPoints?: unknown } | null;
}

interface HistogramLike {
  dataPoints?: unknown;
  aggregationTemporality?: unknown;
}

function countPoints(metric: MetricLike): number {
  let n = 0;
  for (const data of [
    metric.gauge,
    metric.sum,
    metric.histogram,
    metric.exponentialHistogram,
    metric.summary,
  ]) {
    if (typeof data === 'object' && data !== null) n += listOf(data.dataPoints).length;
  }
  return n;
}

function temporalityOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'AGGREGATION_TEMPORALITY_DELTA') return DELTA;
  if (v === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return CUMULATIVE;
  return 0;
}

/** A stream's identity: every attribute of the point (not only those the rollup uses). */
function attributeKey(attributes: unknown): string {
  const parts: string[] = [];
  for (const kv of listOf(attributes)) {
    const { key, value } = (kv ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key === 'string') parts.push(`${key}=${anyValueString(value)}`);
  }
  return `\u001f${parts.sort().join('\u001f')}`;
}
