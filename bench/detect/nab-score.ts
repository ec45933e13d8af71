import type { NabFile } from './nab-dev.js';

/** NAB cost profile (tp/fn/fp weights). */
export interface NabProfile {
  readonly tp: number;
  readonly fn: number;
  readonly fp: number;
}

export const NAB_PROFILES = {
  standard: { tp: 1, fn: 1, fp: 0.11 },
  reward_low_FP_rate: { tp: 1, fn: 1, fp: 0.22 },
  reward_low_FN_rate: { tp: 1, fn: 2, fp: 0.11 },
} as const satisfies Record<string, NabProfile>;

export type NabProfileName = keyof typeof NAB_PROFILES;

export interface NabScore {
  readonly score: number;
  readonly raw: number;
  readonly threshold: number;
  readonly windowsDetected: number;
  readonly windowsMissed: number;
  readonly falsePositiveRows: number;
}

function scaledSigmoid(y: number): number {
  return y > 3 ? -1 : 2 / (1 + Math.exp(5 * y)) - 1;
}
const MAX_TP = scaledSigmoid(-1);

/**
 * A TypeScript port of shared/tools/nab/score.py for fast in-process tuning (the bench also
 * runs score.py itself, which stays the referee). One threshold per profile, optimised over all
 * given files together; normalised so the null detector scores 0 and a perfect one 100.
 */
export function nabScore(
  files: readonly NabFile[],
  scores: readonly ArrayLike<number>[],
  p: NabProfile,
): NabScore {
  const s: number[] = [];
  const win: number[] = [];
  const val: number[] = [];
  let nWindows = 0;
  for (let f = 0; f < files.length; f++) {
    const file = files[f] as NabFile;
    const sc = scores[f] as ArrayLike<number>;
    const n = file.rows.length;
    const value = new Float64Array(n).fill(-p.fp);
    const w = new Int32Array(n).fill(-1);
    file.windows.forEach(([a, b], k) => {
      const width = b - a + 1;
      for (let i = a; i <= b; i++) {
        w[i] = nWindows + k;
        value[i] = (scaledSigmoid(-(b - i + 1) / width) / MAX_TP) * p.tp;
      }
      const next = k + 1 < file.windows.length ? (file.windows[k + 1] as readonly [number, number])[0] : n;
      for (let i = b + 1; i < next; i++) value[i] = scaledSigmoid((i - b) / Math.max(width - 1, 1)) * p.fp;
    });
    nWindows += file.windows.length;
    for (let i = file.probation; i < n; i++) {
      s.push(sc[i] as number);
      win.push(w[i] as number);
      val.push(value[i] as number);
    }
  }
  const order = s.map((_, i) => i).sort((x, y) => (s[y] as number) - (s[x] as number) || x - y);
  const scorable = new Set(win.filter((g) => g >= 0));
  const best = new Map<number, number>();
  let raw = -p.fn * scorable.size;
  let bestRaw = raw;
  let bestT = Infinity;
  for (let j = 0; j < order.length; j++) {
    const i = order[j] as number;
    const g = win[i] as number;
    const v = val[i] as number;
    if (g < 0) raw += v;
    else {
      const before = best.get(g) ?? -p.fn;
      if (v > before) {
        raw += v - before;
        best.set(g, v);
      }
    }
    const next = order[j + 1];
    const endOfRun = next === undefined || s[next] !== s[i];
    if (endOfRun && raw > bestRaw + 1e-12) {
      bestRaw = raw;
      bestT = s[i] as number;
    }
  }
  // Null detector: the better of flagging nothing and flagging everything.
  let everything = 0;
  const winMax = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const g = win[i] as number;
    if (g < 0) everything += val[i] as number;
    else winMax.set(g, Math.max(winMax.get(g) ?? -Infinity, val[i] as number));
  }
  for (const v of winMax.values()) everything += v;
  const nullRaw = Math.max(-p.fn * scorable.size, everything);
  const perfect = p.tp * nWindows;
  let detected = 0;
  let fpRows = 0;
  const hit = new Set<number>();
  for (let i = 0; i < s.length; i++) {
    if ((s[i] as number) < bestT) continue;
    const g = win[i] as number;
    if (g < 0) fpRows++;
    else hit.add(g);
  }
  detected = hit.size;
  return {
    score: perfect === nullRaw ? Number.NaN : (100 * (bestRaw - nullRaw)) / (perfect - nullRaw),
    raw: bestRaw,
    threshold: bestT,
    windowsDetected: detected,
    windowsMissed: scorable.size - detected,
    falsePositiveRows: fpRows,
  };
}
