/**
 * `npm run bench:forecast [-- --only NAME,…] [--model ID] [--skip-speed] [--skip-accuracy]`
 * Prints, per dev trace and horizon (1 h and 2.5 h), the walk-forward WAPE and p10–p90 coverage
 * of the model against the best seasonal naive, and the training / forecasting speed figures of
 * issue 4. Figures are printed, not asserted. Note the machine load (printed) when comparing runs.
 */
import { loadavg } from 'node:os';
import { sharedDir } from '../../test/helpers/shared-dir.js';
import { accuracy, type AccuracyRow } from './accuracy.js';
import { speed } from './speed.js';
import { devTraces } from './traces.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const model = flag('--model') ?? 'quantile-mlp';
const only = flag('--only')?.split(',');
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const shared = sharedDir();

console.log(`bench:forecast  model ${model}  load average at start ${load()}`);
if (!args.includes('--skip-accuracy')) {
  const pct = (v: number | undefined): string =>
    v === undefined ? '   n/a' : `${(v * 100).toFixed(1).padStart(5)}%`;
  console.log(
    'trace              horizon  rows  start  targets  WAPE   daily  weekly  ratio  p10-p90  verdict  seconds',
  );
  const rows: AccuracyRow[] = [];
  for (const trace of devTraces(shared).filter((t) => !only || only.includes(t.name))) {
    for (const minutes of [60, 150]) {
      const r = await accuracy(trace, minutes, model);
      rows.push(r);
      const ok = r.ratio <= 0.85 && r.coverage >= 0.7 && r.coverage <= 0.9;
      console.log(
        `${r.trace.padEnd(18)} ${String(minutes).padStart(4)} min ${String(r.horizonRows).padStart(5)} ${String(r.start).padStart(6)} ${String(r.targets).padStart(8)} ${pct(r.wape)} ${pct(r.dailyNaive)} ${pct(r.weeklyNaive)}  ${r.ratio.toFixed(3)}  ${pct(r.coverage)}   ${ok ? 'meets' : 'MISSES'}  ${r.seconds.toFixed(1).padStart(6)}`,
      );
    }
  }
  const meets = rows.filter((r) => r.ratio <= 0.85 && r.coverage >= 0.7 && r.coverage <= 0.9).length;
  console.log(
    `targets (WAPE <= 0.85 x best seasonal naive, coverage 70-90%): ${meets}/${rows.length} met; outages masked`,
  );
}
if (!args.includes('--skip-speed')) {
  const paths = devTraces(shared)
    .filter((t) => t.name.endsWith('_1min'))
    .map((t) => t.path);
  const s = await speed(paths, 100, 1000, 60);
  console.log(`speed (backend ${s.backend}, load ${load()}):`);
  console.log(
    `  train global model on ${s.trainSeries} series x 14 days of 1-minute history: ${s.trainSeconds.toFixed(1)} s (target <= 120 s)`,
  );
  console.log(
    `  forecast ${s.forecastSeries} series x ${s.forecastSteps} steps: ${s.forecastSeconds.toFixed(2)} s (target <= 5 s)`,
  );
}
