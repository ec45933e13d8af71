import { recordValue, type SparseHistogram } from '../../core/histogram.js';
import type { RollupPoint } from '../../core/rollup.js';
import type { Tags } from '../../core/tags.js';

/** Deterministic PRNG (mulberry32), so every run writes the same points. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const PROVIDERS = 20;

interface SeriesShape {
  tags: Tags;
  /** Typical latency (ms) and requests per 10 s of this series. */
  latencyMs: number;
  rate: number;
}

/**
 * `count` realistic series: 20 providers × endpoints × methods × regions × 2 collectors, with a
 * per-series latency level and traffic (requests per interval between 1 and ~200).
 */
export function makeSeries(count: number, seed = 42): SeriesShape[] {
  const rnd = random(seed);
  const methods = ['GET', 'POST', 'PUT', 'DELETE'];
  const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
  const out: SeriesShape[] = [];
  for (let i = 0; i < count; i++) {
    const provider = i % PROVIDERS;
    const rest = Math.floor(i / PROVIDERS);
    out.push({
      tags: {
        service: `svc-${rest % 10}`,
        provider: `provider-${provider}`,
        // (endpoint, collector) alone is unique per provider: every series is distinct.
        endpoint: `/v1/resource-${Math.floor(rest / 2)}/{id}`,
        method: methods[rest % methods.length] as string,
        region: regions[rest % regions.length] as string,
        status_class: '2xx',
        collector: `collector-${rest % 2}`,
      },
      latencyMs: 20 + rnd() * 300,
      rate: 1 + Math.floor(rnd() * 200),
    });
  }
  return out;
}

/**
 * One 10 s rollup of a series: latencies drawn around its level (lognormal-ish), so each point
 * carries ~5-15 histogram buckets, as real traffic does.
 */
export function rollupAt(series: SeriesShape, timeMs: number, rnd: () => number): RollupPoint {
  const histogram: SparseHistogram = {};
  const samples = Math.min(series.rate, 24);
  const weight = series.rate / samples;
  let sum = 0;
  let max = 0;
  for (let k = 0; k < samples; k++) {
    const v = series.latencyMs * Math.exp((rnd() + rnd() + rnd() - 1.5) * 0.9);
    recordValue(histogram, v, weight);
    sum += v * weight;
    if (v > max) max = v;
  }
  return {
    measurement: 'api_calls',
    timeMs,
    tags: series.tags,
    count: series.rate,
    errors: rnd() < 0.05 ? 1 : 0,
    durationSumMs: Math.round(sum * 1000) / 1000,
    durationMaxMs: Math.round(max * 1000) / 1000,
    histogram,
  };
}
