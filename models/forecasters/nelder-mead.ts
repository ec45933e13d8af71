export interface NelderMeadOptions {
  readonly maxEvaluations?: number;
  /** Stop when the spread of objective values in the simplex falls below this (relative). */
  readonly tolerance?: number;
  /** Initial simplex edge length in each coordinate. */
  readonly step?: number;
}

export interface NelderMeadResult {
  readonly x: number[];
  readonly value: number;
  readonly evaluations: number;
}

/**
 * Derivative-free minimisation (Nelder & Mead 1965, standard coefficients 1, 2, 0.5, 0.5).
 * Used to fit smoothing parameters, whose objective (sum of forecast errors over a recursion) has
 * no convenient gradient. Deterministic for a given start.
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const maxEvaluations = options.maxEvaluations ?? 200;
  const tolerance = options.tolerance ?? 1e-5;
  const step = options.step ?? 0.5;
  const dim = start.length;
  let evaluations = 0;
  const evaluate = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex: { x: number[]; v: number }[] = [{ x: [...start], v: evaluate([...start]) }];
  for (let i = 0; i < dim; i++) {
    const x = [...start];
    x[i] = (x[i] as number) + step;
    simplex.push({ x, v: evaluate(x) });
  }
  const combine = (a: number[], b: number[], t: number): number[] =>
    a.map((ai, i) => ai + t * ((b[i] as number) - ai));
  while (evaluations < maxEvaluations) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0]!;
    const worst = simplex[dim]!;
    if (Math.abs(worst.v - best.v) <= tolerance * (Math.abs(best.v) + 1e-12)) break;
    const centroid = new Array<number>(dim).fill(0);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) centroid[j]! += simplex[i]!.x[j]! / dim;
    const reflected = combine(centroid, worst.x, -1);
    const vr = evaluate(reflected);
    if (vr < best.v) {
      const expanded = combine(centroid, worst.x, -2);
      const ve = evaluate(expanded);
      simplex[dim] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
      continue;
    }
    if (vr < simplex[dim - 1]!.v) {
      simplex[dim] = { x: reflected, v: vr };
      continue;
    }
    const outside = vr < worst.v;
    const contracted = combine(centroid, outside ? reflected : worst.x, 0.5);
    const vc = evaluate(contracted);
    if (vc < Math.min(vr, worst.v)) {
      simplex[dim] = { x: contracted, v: vc };
      continue;
    }
    simplex = simplex.map((p, i) => {
      if (i === 0) return p;
      const x = combine(best.x, p.x, 0.5);
      return { x, v: evaluate(x) };
    });
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, evaluations };
}
