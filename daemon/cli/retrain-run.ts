import { isAbsolute, join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { systemClock } from '../../core/clock.js';
import { errorMessage } from '../../core/errors.js';
import type { RetrainReport } from '../../models/training/retrain.js';
import { createStore } from '../../storage/create-store.js';
import { loadConfig } from '../config/load-config.js';
import { ForecastStage } from '../control/forecast-stage.js';
import { createLogger } from '../logger.js';
import { EXIT } from './command.js';
import { EXIT_KEPT_PREVIOUS } from './retrain.js';

/** Runs one retrain against the configured store; see retrain.ts for the exit codes. */
export async function runRetrain(configPath: string | undefined): Promise<number> {
  const config = loadConfig({ path: configPath });
  // Warnings only: the table is the output.
  const logger = createLogger({ level: 'warn', format: config.log.format });
  const dataDir = resolve(config.dataDir);
  const store = createStore(config.store, { dataDir, logger, clock: systemClock });
  const forecasting = config.models.forecasting;
  const registryDir = isAbsolute(forecasting.registryDir)
    ? forecasting.registryDir
    : join(dataDir, forecasting.registryDir);
  const stage = new ForecastStage({
    config: forecasting,
    store,
    clock: systemClock,
    logger,
    registryDir,
    settleMs: config.models.detection.lagSeconds * 1000,
  });
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: ' {stage} [{bar}] {value}/{total}', clearOnComplete: true })
    : undefined;
  let barStage = '';
  try {
    await store.start();
    await stage.start();
    process.stderr.write(`retraining from ${store.kind} store (registry ${registryDir})\n`);
    const report = await stage.retrain(({ stage: name, done, total }) => {
      if (!bar) return;
      if (name !== barStage) {
        if (barStage) bar.stop();
        barStage = name;
        bar.start(total, done, { stage: name.padEnd(12) });
      } else bar.update(done);
    });
    bar?.stop();
    process.stdout.write(formatReport(report));
    return report.outcome === 'promoted' ? EXIT.ok : EXIT_KEPT_PREVIOUS;
  } catch (err) {
    bar?.stop();
    process.stderr.write(`headroom retrain: ${errorMessage(err)}\n`);
    return EXIT.error;
  } finally {
    stage.stop();
    await store.stop();
  }
}

/** The report as a table people read: one row per model, errors on the same held-out targets. */
export function formatReport(report: RetrainReport): string {
  // The first score is the candidate just trained; a version marks the model serving before.
  const rows = report.scores.map((s, i) => [
    i === 0 ? `${s.modelId} (candidate)` : s.version ? `${s.modelId} (serving ${s.version})` : s.modelId,
    (s.wape * 100).toFixed(2) + '%',
    (s.coverage * 100).toFixed(1) + '%',
    String(s.targets),
  ]);
  const header = ['model', 'WAPE', 'p10-p90 coverage', 'targets'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const e = report.evaluation;
  return [
    `evaluated on ${e.series} series, ${e.targets} targets, ${e.horizonSteps} steps ahead`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `${report.outcome === 'promoted' ? 'PROMOTED' : 'KEPT PREVIOUS'}: ${report.reason}`,
    ...report.notes.map((n) => `note: ${n}`),
    '',
  ].join('\n');
}
