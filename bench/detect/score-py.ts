import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatScore } from '../../daemon/cli/run-detect.js';
import type { NabFile } from './nab-dev.js';

export interface ScorePyProfile {
  readonly score: number;
  readonly threshold: number | null;
  readonly windows_detected: number;
  readonly windows_missed: number;
  readonly false_positive_rows: number;
}

/** Writes scores in NAB's results layout: <dir>/<name>/<category>/<name>_<file>.csv. */
export function writeNabResults(
  dir: string,
  name: string,
  files: readonly NabFile[],
  scores: readonly Float64Array[],
): string {
  const root = join(dir, name);
  files.forEach((f, k) => {
    const [category, file] = f.rel.split('/') as [string, string];
    mkdirSync(join(root, category), { recursive: true });
    const s = scores[k] as Float64Array;
    const lines = f.rows.map((r, i) => `${r.timestampText},${r.valueText},${formatScore(s[i] as number)}`);
    writeFileSync(
      join(root, category, `${name}_${file}`),
      `timestamp,value,anomaly_score\n${lines.join('\n')}\n`,
    );
  });
  return root;
}

/**
 * Runs the referee, shared/tools/nab/score.py, on a results directory and returns its per-profile
 * figures; `only` restricts scoring (and threshold optimisation) to some categories.
 */
export function runScorePy(
  shared: string,
  resultsDir: string,
  only?: readonly string[],
): Record<'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate', ScorePyProfile> {
  const args = [
    join(shared, 'tools', 'nab', 'score.py'),
    '--data-root',
    join(shared, 'data', 'nab-dev'),
    '--results',
    resultsDir,
    '--json',
    ...(only ? ['--only', only.join(',')] : []),
  ];
  const out = execFileSync('python3', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const doc = JSON.parse(out) as { detectors: Record<string, Record<string, ScorePyProfile>> };
  return Object.values(doc.detectors)[0] as Record<
    'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate',
    ScorePyProfile
  >;
}
