/**
 * The referee's Kubernetes HPA baseline (defaults): desired = ceil(load / (capacity × 0.8));
 * the spec is kept while |load / (capacity × 0.8 × spec) − 1| ≤ 0.1; scale-down stabilisation
 * takes the max desired over the last 300 s; scale-up is unlimited at these resolutions.
 * Returns the spec decided after each row.
 */
export function hpaBaseline(
  load: ArrayLike<number>,
  options: { stepSeconds: number; capacityPerReplica: number; minReplicas: number; maxReplicas: number },
): Int32Array {
  const { stepSeconds, capacityPerReplica: capacity, minReplicas: lo, maxReplicas: hi } = options;
  const clamp = (v: number): number => Math.max(lo, Math.min(hi, v));
  const n = load.length;
  const out = new Int32Array(n);
  let spec = clamp(Math.ceil((load[0] ?? 0) / (capacity * 0.8)) || 1);
  const windowRows = Math.max(1, Math.ceil(300 / stepSeconds));
  const recent: number[] = [];
  for (let t = 0; t < n; t++) {
    const l = load[t] ?? 0;
    const ratio = spec ? l / (capacity * 0.8 * spec) : Number.POSITIVE_INFINITY;
    const desired = clamp(Math.abs(ratio - 1) <= 0.1 ? spec : Math.ceil(l / (capacity * 0.8)));
    recent.push(desired);
    if (recent.length > windowRows) recent.shift();
    const recommendation = desired >= spec ? desired : Math.max(...recent);
    spec = clamp(recommendation);
    out[t] = spec;
  }
  return out;
}
