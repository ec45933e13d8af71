import { readFile } from 'node:fs/promises';
import type { RegularSeries } from '../../core/time-series.js';
import { QuantileMlp } from '../../models/forecasters/learned/quantile-mlp.js';
import { seededRandom } from '../../models/forecasters/seeded-random.js';
import { parseSeriesCsv } from '../../models/training/parse-series-csv.js';
import { tfBackendName } from '../../models/tf.js';

const MINUTE = 60_000;
const DAY_STEPS = 1440;

/**
 * `count` 1-minute series of `days` days, cut from the 1-minute dev traces at seeded random
 * offsets and scaled by a random factor (0.2x..5x), so they look like real, different services.
 */
export async function minuteSeries(
  paths: readonly string[],
  count: number,
  days: number,
  seed: number,
): Promise<RegularSeries[]> {
  const sources = await Promise.all(paths.map(async (p) => parseSeriesCsv(await readFile(p, 'utf8')).values));
  const rand = seededRandom(seed);
  const steps = days * DAY_STEPS;
  return Array.from({ length: count }, () => {
    const src = sources[Math.floor(rand() * sources.length)]!;
    const offsetDays = Math.floor(rand() * Math.max(1, Math.floor((src.length - steps) / DAY_STEPS)));
    const scale = Math.exp((rand() * 2 - 1) * Math.log(5));
    const values = Float64Array.from(
      src.subarray(offsetDays * DAY_STEPS, offsetDays * DAY_STEPS + steps),
      (v) => Math.round(v * scale),
    );
    return { startMs: Date.UTC(2026, 0, 5) + offsetDays * DAY_STEPS * MINUTE, stepMs: MINUTE, values };
  });
}

export interface SpeedResult {
  readonly backend: string;
  readonly trainSeries: number;
  readonly trainSeconds: number;
  readonly forecastSeries: number;
  readonly forecastSteps: number;
  readonly forecastSeconds: number;
}

/** Times one global fit on `trainCount` series and one batched forecast of `forecastCount`. */
export async function speed(
  paths: readonly string[],
  trainCount: number,
  forecastCount: number,
  horizonSteps: number,
): Promise<SpeedResult> {
  const train = await minuteSeries(paths, trainCount, 14, 7);
  const model = new QuantileMlp({ horizonSteps });
  let t0 = performance.now();
  await model.fit(train);
  const trainSeconds = (performance.now() - t0) / 1000;
  const many = await minuteSeries(paths, forecastCount, 14, 8);
  t0 = performance.now();
  const forecasts = await model.forecastMany(many, horizonSteps);
  const forecastSeconds = (performance.now() - t0) / 1000;
  if (forecasts.some((f) => !f.p50.every(Number.isFinite)))
    throw new Error('a forecast held a non-finite value');
  model.dispose();
  return {
    backend: tfBackendName() ?? 'unknown',
    trainSeries: trainCount,
    trainSeconds,
    forecastSeries: forecastCount,
    forecastSteps: horizonSteps,
    forecastSeconds,
  };
}
