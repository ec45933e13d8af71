import { readFile } from 'node:fs/promises';
import { createChain } from '../../models/forecasters/registry.js';
import { seasonPeriods } from '../../models/forecasters/season-periods.js';
import { backtestRows } from '../../models/training/backtest-rows.js';
import { forecastErrors } from '../../models/training/metrics.js';
import { parseSeriesCsv, parseTimestamp } from '../../models/training/parse-series-csv.js';
import { startRow, type TraceSpec } from './traces.js';

export interface AccuracyRow {
  readonly trace: string;
  readonly model: string;
  readonly horizonRows: number;
  readonly horizonMinutes: number;
  readonly start: number;
  readonly targets: number;
  readonly masked: number;
  readonly wape: number;
  readonly coverage: number;
  readonly dailyNaive: number;
  readonly weeklyNaive: number | undefined;
  /** WAPE / best seasonal naive (weekly where two weeks of history exist, else daily). */
  readonly ratio: number;
  readonly seconds: number;
}

/**
 * Walk-forward backtest of one trace at one horizon (minutes, rounded to whole rows), the same
 * run `headroom backtest` does, scored with the README's outage stretches masked.
 */
export async function accuracy(
  trace: TraceSpec,
  horizonMinutes: number,
  model: string,
): Promise<AccuracyRow> {
  const csv = parseSeriesCsv(await readFile(trace.path, 'utf8'));
  const stepMs = (csv.timestampsMs[1] as number) - (csv.timestampsMs[0] as number);
  const H = Math.max(1, Math.round((horizonMinutes * 60_000) / stepMs));
  const { dailySteps: D, weeklySteps: W } = seasonPeriods(stepMs);
  const S = startRow(csv.values.length, W);
  const models = await createChain(model, {
    horizonSteps: H,
    mlp: { samplesPerFit: 20_000, epochs: 8, refitEpochs: 3 },
  });
  const t0 = performance.now();
  const r = await backtestRows(csv, { horizonRows: H, startRow: S, models });
  const seconds = (performance.now() - t0) / 1000;
  for (const m of models) m.dispose();
  const outages = trace.outages.map(([a, b]) => [parseTimestamp(a), parseTimestamp(b)] as const);
  const mask = Float64Array.from(r.rows, (j) => {
    const t = csv.timestampsMs[j] as number;
    return outages.some(([a, b]) => t >= a && t <= b) ? 0 : 1;
  });
  const actual = Float64Array.from(r.rows, (j) => csv.values[j] as number);
  const lagged = (lag: number): Float64Array =>
    Float64Array.from(r.rows, (j) => csv.values[j - lag] as number);
  const m = forecastErrors(actual, r.p50, r.p10, r.p90, mask);
  const daily = forecastErrors(actual, lagged(D), undefined, undefined, mask).wape;
  const weekly = S >= W ? forecastErrors(actual, lagged(W), undefined, undefined, mask).wape : undefined;
  const best = weekly !== undefined ? Math.min(weekly, daily) : daily;
  return {
    trace: trace.name,
    model,
    horizonRows: H,
    horizonMinutes,
    start: S,
    targets: r.rows.length,
    masked: r.rows.length - m.n,
    wape: m.wape,
    coverage: m.coverage,
    dailyNaive: daily,
    weeklyNaive: weekly,
    ratio: m.wape / best,
    seconds,
  };
}
