/**
 * Generalisation estimate for the default detector: tune its settings on one half of the NAB
 * development categories, score them on the other half, both ways round, and compare with the
 * committed defaults. Halves: A = artificialNoAnomaly + artificialWithAnomaly + realAdExchange
 * (17 files, 20 windows), B = realAWSCloudwatch (17 files, 30 windows). Tuning is coordinate
 * descent over a small grid, objective = mean of the standard and reward-low-FP scores; scoring
 * uses the TypeScript port of score.py (bench/detect/main.ts checks they agree).
 * Run: npx tsx bench/detect/cross-half.ts
 */
import { join } from 'node:path';
import type { NoveltyOptions } from '../../models/detectors/config.js';
import { NoveltyDetector } from '../../models/detectors/novelty-detector.js';
import { scoreSeries } from '../../models/detectors/score-series.js';
import { sharedDir } from '../../test/helpers/shared-dir.js';
import { loadNabDev, type NabFile } from './nab-dev.js';
import { NAB_PROFILES, nabScore } from './nab-score.js';

type Settings = Record<string, number>;
const GRID: Record<string, number[]> = {
  valueTolerance: [0.02, 0.03, 0.05, 0.08, 0.12],
  meanTolerance: [0.01, 0.015, 0.025, 0.04, 0.06],
  meanAlpha: [0.05, 0.07, 0.1, 0.15, 0.2],
  seasonalTolerance: [0.05, 0.1, 0.2, 0.4],
  holdPoints: [0, 25, 50, 75],
  refractoryPoints: [50, 100, 150, 200],
  envelopeDecay: [0, 1e-5, 3e-5, 1e-4],
};
const DEFAULTS: Settings = {
  valueTolerance: 0.05,
  meanTolerance: 0.025,
  meanAlpha: 0.1,
  seasonalTolerance: 0.2,
  holdPoints: 50,
  refractoryPoints: 100,
  envelopeDecay: 1e-5,
};

function options(s: Settings, warmupPoints: number): NoveltyOptions {
  return {
    warmupPoints,
    envelopeDecay: s.envelopeDecay,
    value: { tolerance: s.valueTolerance },
    mean: { tolerance: s.meanTolerance, alpha: s.meanAlpha },
    seasonal: { tolerance: s.seasonalTolerance },
    suppression: {
      holdPoints: s.holdPoints,
      refractoryPoints: Math.max(s.refractoryPoints ?? 0, s.holdPoints ?? 0),
    },
  };
}

const files = loadNabDev(join(sharedDir(), 'data', 'nab-dev'));
const halves: Record<'A' | 'B', NabFile[]> = {
  A: files.filter((f) => f.category !== 'realAWSCloudwatch'),
  B: files.filter((f) => f.category === 'realAWSCloudwatch'),
};

function evaluate(s: Settings, set: NabFile[]): { standard: number; lowFp: number } {
  const scores = set.map((f) =>
    scoreSeries(new NoveltyDetector(options(s, f.probation)), f.timeMs, f.values),
  );
  return {
    standard: nabScore(set, scores, NAB_PROFILES.standard).score,
    lowFp: nabScore(set, scores, NAB_PROFILES.reward_low_FP_rate).score,
  };
}

function tune(set: NabFile[]): Settings {
  const objective = (s: Settings): number => {
    const r = evaluate(s, set);
    return (r.standard + r.lowFp) / 2;
  };
  let current = { ...DEFAULTS };
  let best = objective(current);
  for (let pass = 0; pass < 3; pass++) {
    let improved = false;
    for (const [key, values] of Object.entries(GRID)) {
      for (const v of values) {
        const candidate = { ...current, [key]: v };
        const o = objective(candidate);
        if (o > best + 1e-9) {
          best = o;
          current = candidate;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return current;
}

const fmt = (r: { standard: number; lowFp: number }): string =>
  `${r.standard.toFixed(1)} / ${r.lowFp.toFixed(1)}`;
console.log('settings                         half A (std / low FP)   half B (std / low FP)   full');
const show = (label: string, s: Settings): void => {
  console.log(
    `${label.padEnd(32)} ${fmt(evaluate(s, halves.A)).padEnd(23)} ${fmt(evaluate(s, halves.B)).padEnd(23)} ${fmt(evaluate(s, files))}`,
  );
};
show('committed defaults', DEFAULTS);
for (const half of ['A', 'B'] as const) {
  const tuned = tune(halves[half]);
  show(`tuned on half ${half}`, tuned);
  console.log(`  ${JSON.stringify(tuned)}`);
}
