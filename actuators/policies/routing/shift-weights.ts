export interface WeightShift {
  /** Integer weights summing to 100 (0 for endpoints that get nothing). */
  readonly weights: Record<string, number>;
  /** Percentage points moved by the gradual part (not counting immediate removals). */
  readonly shiftedPercent: number;
  /** True when the gradual move stopped short of the target. */
  readonly limited: boolean;
}

/**
 * Moves weights from `current` towards `target` (both over `names`, any positive scale), at
 * most `maxShiftPercent` points of 100 per call, moving every endpoint the same fraction of the
 * way. Endpoints in `removeNow` lose their weight at once first, and it goes to the others in
 * proportion to what they carry (to their targets when they carry nothing yet) (Envoy ejects an outlier at once rather than draining it).
 */
export function shiftWeights(
  names: readonly string[],
  current: Readonly<Record<string, number>>,
  target: Readonly<Record<string, number>>,
  maxShiftPercent: number,
  removeNow: ReadonlySet<string>,
): WeightShift {
  const t = normalise(names, target);
  let w = normalise(names, current);
  if (sum(w) === 0) w = { ...t };
  if (removeNow.size > 0) {
    const removed = names.reduce((s, n) => s + (removeNow.has(n) ? (w[n] ?? 0) : 0), 0);
    const keep = names.filter((n) => !removeNow.has(n) && (t[n] ?? 0) > 0);
    const base = keep.reduce((s, n) => s + (w[n] ?? 0), 0);
    const targetBase = keep.reduce((s, n) => s + (t[n] ?? 0), 0);
    const next: Record<string, number> = {};
    for (const n of names) next[n] = removeNow.has(n) ? 0 : (w[n] ?? 0);
    for (const n of keep) {
      next[n] =
        (next[n] ?? 0) + (base > 0 ? (removed * (w[n] ?? 0)) / base : (removed * (t[n] ?? 0)) / targetBase);
    }
    w = next;
  }
  const distance = names.reduce((s, n) => s + Math.abs((t[n] ?? 0) - (w[n] ?? 0)), 0) / 2;
  const limited = distance > maxShiftPercent + 1e-9;
  const fraction = limited ? maxShiftPercent / distance : 1;
  const moved: Record<string, number> = {};
  for (const n of names) moved[n] = (w[n] ?? 0) + ((t[n] ?? 0) - (w[n] ?? 0)) * fraction;
  return { weights: roundTo100(names, moved), shiftedPercent: Math.min(distance, maxShiftPercent), limited };
}

function normalise(
  names: readonly string[],
  weights: Readonly<Record<string, number>>,
): Record<string, number> {
  const total = names.reduce((s, n) => s + Math.max(0, weights[n] ?? 0), 0);
  const out: Record<string, number> = {};
  for (const n of names) out[n] = total > 0 ? (Math.max(0, weights[n] ?? 0) * 100) / total : 0;
  return out;
}

function sum(w: Readonly<Record<string, number>>): number {
  return Object.values(w).reduce((s, v) => s + v, 0);
}

/** Largest-remainder rounding to integers that sum to exactly 100 (or 0 when all are 0). */
export function roundTo100(
  names: readonly string[],
  weights: Readonly<Record<string, number>>,
): Record<string, number> {
  const w = normalise(names, weights);
  const out: Record<string, number> = {};
  let assigned = 0;
  for (const n of names) {
    out[n] = Math.floor(w[n] ?? 0);
    assigned += out[n] ?? 0;
  }
  if (sum(w) === 0) return out;
  const order = [...names].sort(
    (a, b) =>
      (w[b] ?? 0) - Math.floor(w[b] ?? 0) - ((w[a] ?? 0) - Math.floor(w[a] ?? 0)) || a.localeCompare(b),
  );
  for (let i = 0; assigned < 100 && i < order.length; i++) {
    const n = order[i] as string;
    if ((w[n] ?? 0) > 0) {
      out[n] = (out[n] ?? 0) + 1;
      assigned++;
    }
  }
  return out;
}
