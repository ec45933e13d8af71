import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { errorMessage } from '../../core/errors.js';
import { NabCsvError, parseNabCsv } from '../../models/detectors/nab-csv.js';
import {
  DEFAULT_DETECTOR,
  DETECTORS,
  createDetector,
  isDetectorName,
} from '../../models/detectors/registry.js';
import { nabWarmupPoints } from '../../models/detectors/score-series.js';
import { EXIT } from './command.js';
import { EXIT_INVALID_INPUT } from './detect.js';

export interface RunDetectOptions {
  readonly file: string;
  readonly detector?: string;
  /** Text of --warmup-points; NAB's probation when absent. */
  readonly warmupPoints?: string;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Body of `headroom detect` (see detect.ts); returns the exit code. */
export async function runDetect(options: RunDetectOptions): Promise<number> {
  const { file, stdout, stderr } = options;
  const name = options.detector ?? DEFAULT_DETECTOR;
  if (!isDetectorName(name)) {
    stderr.write(
      `headroom detect: unknown detector "${name}"; known: ${Object.keys(DETECTORS).join(', ')}\n`,
    );
    return EXIT.usage;
  }
  const warmupOverride = options.warmupPoints === undefined ? undefined : Number(options.warmupPoints);
  if (warmupOverride !== undefined && !(Number.isInteger(warmupOverride) && warmupOverride >= 0)) {
    stderr.write(
      `headroom detect: --warmup-points must be a whole number >= 0, not "${options.warmupPoints}"\n`,
    );
    return EXIT.usage;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    stderr.write(`headroom detect: cannot read ${file}: ${errorMessage(err)}\n`);
    return EXIT.error;
  }
  let rows;
  try {
    rows = parseNabCsv(text);
  } catch (err) {
    if (err instanceof NabCsvError) {
      stderr.write(`headroom detect: ${file}: ${err.message}\n`);
      return EXIT_INVALID_INPUT;
    }
    throw err;
  }
  // The file length is used for one thing only, as NAB's own detectors do: the probation length.
  const detector = createDetector(name, { warmupPoints: warmupOverride ?? nabWarmupPoints(rows.length) });
  const lines: string[] = new Array<string>(rows.length + 1);
  lines[0] = 'timestamp,value,anomaly_score';
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as (typeof rows)[number];
    const { score } = detector.update({ timeMs: row.timeMs, value: row.value });
    lines[i + 1] = `${row.timestampText},${row.valueText},${formatScore(score)}`;
  }
  lines.push('');
  await new Promise<void>((resolve, reject) => {
    stdout.write(lines.join('\n'), (err) => (err ? reject(err) : resolve()));
  });
  return EXIT.ok;
}

/**
 * The shortest text that reads back as the same double (JavaScript's own), so that NAB's
 * threshold search sees every distinction the detector made (rounding would merge scores just
 * below 1); anything not a finite number in [0, 1] is clamped.
 */
export function formatScore(score: number): string {
  return String(Number.isFinite(score) ? Math.min(1, Math.max(0, score)) : 0);
}
