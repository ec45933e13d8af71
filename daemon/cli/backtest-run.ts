import { readFile } from 'node:fs/promises';
import { HeadroomError, errorMessage } from '../../core/errors.js';
import { createChain, DEFAULT_MODEL } from '../../models/forecasters/registry.js';
import { backtestRows, type RowBacktestSummary } from '../../models/training/backtest-rows.js';
import { parseSeriesCsv } from '../../models/training/parse-series-csv.js';
import { EXIT } from './command.js';

interface Writable {
  write(chunk: string): boolean;
}

/** Runs `headroom backtest` (see backtest.ts) and returns the exit code. */
export async function runBacktestCli(
  file: string,
  flags: { horizon: string; start: string; model?: string; refitEvery?: string },
  stdout: Writable,
  stderr: Writable,
): Promise<number> {
  const fail = (message: string, code: number = EXIT.usage): number => {
    stderr.write(`headroom backtest: ${message}\n`);
    return code;
  };
  const horizon = wholeNumber(flags.horizon);
  const start = wholeNumber(flags.start);
  const refitEvery = flags.refitEvery === undefined ? undefined : wholeNumber(flags.refitEvery);
  if (horizon === undefined || horizon < 1)
    return fail(`--horizon must be a whole number >= 1, got "${flags.horizon}"`);
  if (start === undefined) return fail(`--start must be a whole number >= 0, got "${flags.start}"`);
  if (refitEvery !== undefined && refitEvery < 1) return fail(`--refit-every must be a whole number >= 1`);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return fail(`cannot read ${file}: ${errorMessage(err)}`);
  }
  try {
    const csv = parseSeriesCsv(text);
    const models = await createChain(flags.model ?? DEFAULT_MODEL, {
      horizonSteps: horizon,
      mlp: { samplesPerFit: 20_000, epochs: 8, refitEpochs: 3 },
    });
    const startedMs = Date.now();
    const result = await backtestRows(csv, {
      horizonRows: horizon,
      startRow: start,
      models,
      refitEverySteps: refitEvery,
    });
    for (const m of models) m.dispose();
    const lines = ['timestamp,actual,p10,p50,p90'];
    for (let k = 0; k < result.rows.length; k++) {
      const j = result.rows[k] as number;
      lines.push(
        `${csv.timestampText[j]},${csv.valueText[j]},${num(result.p10[k]!)},${num(result.p50[k]!)},${num(result.p90[k]!)}`,
      );
    }
    stdout.write(lines.join('\n') + '\n');
    stderr.write(summaryText(result.summary, horizon, start, Date.now() - startedMs));
    return EXIT.ok;
  } catch (err) {
    if (err instanceof HeadroomError) return fail(err.message);
    throw err;
  }
}

function summaryText(s: RowBacktestSummary, horizon: number, start: number, elapsedMs: number): string {
  const pct = (v: number | undefined): string =>
    v === undefined || !Number.isFinite(v) ? 'n/a' : `${(v * 100).toFixed(2)}%`;
  const ratio = (v: number | undefined): string =>
    v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(3);
  const lines = [
    `backtest: ${s.targets} targets from row ${start}, horizon ${horizon} rows, step ${s.stepMs / 1000} s, ${s.refits} refits, ${(elapsedMs / 1000).toFixed(1)} s`,
    `models used: ${Object.entries(s.modelsUsed)
      .map(([id, n]) => `${id} ${n}`)
      .join(', ')}`,
    `WAPE ${pct(s.model.wape)}  (daily seasonal naive ${pct(s.dailyNaive?.wape)}, weekly ${pct(s.weeklyNaive?.wape)})`,
    `WAPE / best seasonal naive ${ratio(bestRatio(s))}`,
    `MASE vs daily seasonal naive ${ratio(s.maseDaily)}, vs weekly ${ratio(s.maseWeekly)} (in-sample scale, rows < start)`,
    `p10-p90 coverage ${pct(s.model.coverage)}`,
  ];
  if (s.gapCells > 0) lines.push(`gaps: ${s.gapCells} missing steps filled from a week (else a day) earlier`);
  for (const note of s.notes) lines.push(`note: ${note}`);
  return lines.join('\n') + '\n';
}

function bestRatio(s: RowBacktestSummary): number | undefined {
  const bases = [s.dailyNaive?.wape, s.weeklyNaive?.wape].filter(
    (v): v is number => v !== undefined && v > 0,
  );
  return bases.length > 0 ? s.model.wape / Math.min(...bases) : undefined;
}

function wholeNumber(text: string): number | undefined {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** Up to 6 decimals without trailing zeros; never NaN (the backtest guarantees finite values). */
function num(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : '0';
}
