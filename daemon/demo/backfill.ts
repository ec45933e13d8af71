import { recordValue, type SparseHistogram } from '../../core/histogram.js';
import type { Measurement, RollupPoint } from '../../core/rollup.js';
import { seededRandom } from '../../models/forecasters/seeded-random.js';
import { PROVIDERS, SERVICES, type Scenario, type ServiceSpec } from './scenario.js';

/** Collector tag of backfilled points: never the same series as the live collector's. */
export const BACKFILL_COLLECTOR = 'demo-backfill';

/** A log-normal latency around `medianMs` (the shape real API latencies have). */
export function logNormalMs(random: () => number, medianMs: number, sigma = 0.35): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return medianMs * Math.exp(sigma * z);
}

interface Slice {
  fromMs: number;
  toMs: number;
  stepMs: number;
}

/**
 * History the detectors and forecasters learn from, written straight to the store as rollup
 * points (the OTLP receiver only takes recent spans): healthy traffic following the scenario's
 * load shape, coarse (`coarseStepMs`) from `historyMs` ago and fine (`fineStepMs`, the rollup
 * interval) over the last `fineMs`, ending at `endMs`. Call latencies are log-normal around each
 * region's median as the fake providers serve them (plus the client's overhead); a request's
 * latency is its own work plus its calls in sequence, as in the fleet. Histograms are sampled
 * (at most 48 draws per point, weighted) to keep start-up quick.
 */
export function backfillPoints(
  scenario: Scenario,
  options: { endMs: number; historyMs: number; fineMs: number; coarseStepMs: number; fineStepMs: number },
  seed = 7,
): RollupPoint[] {
  const random = seededRandom(seed);
  const callMs = (medianMs: number) => CLIENT_OVERHEAD_MS + logNormalMs(random, medianMs);
  const points: RollupPoint[] = [];
  const fineFrom = align(options.endMs - options.fineMs, options.coarseStepMs);
  const slices: Slice[] = [
    {
      fromMs: align(options.endMs - options.historyMs, options.coarseStepMs),
      toMs: fineFrom,
      stepMs: options.coarseStepMs,
    },
    { fromMs: fineFrom, toMs: align(options.endMs, options.fineStepMs), stepMs: options.fineStepMs },
  ];
  for (const slice of slices) {
    for (let t = slice.fromMs; t < slice.toMs; t += slice.stepMs) {
      for (const service of SERVICES) {
        const requests = poisson(random, scenario.ratePerSecond(service, t) * (slice.stepMs / 1000));
        if (requests === 0) continue;
        for (const call of service.calls) {
          const provider = PROVIDERS[call.provider];
          for (const region of provider.regions) {
            const count = poisson(random, requests * call.perRequest * region.share);
            if (count === 0) continue;
            const errors = binomial(random, count, provider.errorRatio);
            const tags = {
              service: service.name,
              provider: call.provider,
              endpoint: call.template,
              method: call.method,
              region: region.name,
            };
            const draw = () => callMs(region.medianMs);
            points.push(point('api_calls', t, { ...tags, status_class: '2xx' }, count - errors, 0, draw));
            if (errors > 0)
              points.push(point('api_calls', t, { ...tags, status_class: '5xx' }, errors, errors, draw));
          }
        }
        // A request fails (502) when one of its POST calls fails, as in the fleet.
        const failed = binomial(random, requests, failureRatio(service));
        const inbound = { service: service.name, endpoint: service.route, method: service.method };
        const draw = () => requestMs(service, random, callMs);
        points.push(point('inbound', t, { ...inbound, status_class: '2xx' }, requests - failed, 0, draw));
        if (failed > 0)
          points.push(point('inbound', t, { ...inbound, status_class: '5xx' }, failed, failed, draw));
      }
    }
  }
  return points;
}

/** Latency the client adds to the provider's own delay (HTTP on loopback, event loop). */
const CLIENT_OVERHEAD_MS = 3;

function failureRatio(service: ServiceSpec): number {
  return service.calls
    .filter((c) => c.method === 'POST')
    .reduce((sum, c) => sum + c.perRequest * PROVIDERS[c.provider].errorRatio, 0);
}

/** One inbound request: own work plus its calls in sequence, each to a region by its share. */
function requestMs(service: ServiceSpec, random: () => number, callMs: (medianMs: number) => number): number {
  let total = service.selfMs + CLIENT_OVERHEAD_MS;
  for (const call of service.calls) {
    const regions = PROVIDERS[call.provider].regions;
    const times = Math.floor(call.perRequest) + (random() < call.perRequest % 1 ? 1 : 0);
    for (let i = 0; i < times; i++) {
      const u = random();
      let acc = 0;
      const region = regions.find((r) => (acc += r.share) > u) ?? regions[regions.length - 1]!;
      total += callMs(region.medianMs);
    }
  }
  return total;
}

function point(
  measurement: Measurement,
  timeMs: number,
  tags: Record<string, string>,
  count: number,
  errors: number,
  draw: () => number,
): RollupPoint {
  const histogram: SparseHistogram = {};
  const draws = Math.min(count, 48);
  let durationSumMs = 0;
  let durationMaxMs = 0;
  for (let i = 0; i < draws; i++) {
    const ms = draw();
    const weight = count / draws;
    recordValue(histogram, ms, weight);
    durationSumMs += ms * weight;
    durationMaxMs = Math.max(durationMaxMs, ms);
  }
  return {
    measurement,
    timeMs,
    tags: { ...tags, collector: BACKFILL_COLLECTOR },
    count,
    errors,
    durationSumMs,
    durationMaxMs,
    histogram,
  };
}

function align(timeMs: number, stepMs: number): number {
  return Math.floor(timeMs / stepMs) * stepMs;
}

/** Poisson draw (Knuth for small means, normal approximation above). */
export function poisson(random: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

function binomial(random: () => number, n: number, p: number): number {
  if (n * p > 30) return Math.min(n, poisson(random, n * p));
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}
