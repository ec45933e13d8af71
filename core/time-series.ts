/**
 * A regularly sampled series: value i is at `startMs + i·stepMs`. Missing values are NaN; models
 * decide how to fill them (each says how in its own doc comment).
 */
export interface RegularSeries {
  readonly startMs: number;
  readonly stepMs: number;
  readonly values: Float64Array;
}

export interface TimedValue {
  readonly timeMs: number;
  readonly value: number;
}

export type ResampleMethod = 'sum' | 'mean' | 'last';

/**
 * Puts irregular, possibly unsorted or duplicated samples onto a regular grid of `stepMs`
 * (aligned to multiples of stepMs since the epoch). Samples falling in the same step are
 * combined with `method` ('sum' for counts, 'mean' for gauges, 'last' for state); steps
 * without samples become NaN (gaps stay visible rather than being invented). Non-finite input
 * values are ignored.
 */
export function resample(
  samples: readonly TimedValue[],
  stepMs: number,
  method: ResampleMethod,
): RegularSeries {
  if (!(stepMs > 0)) throw new RangeError(`stepMs must be positive, got ${stepMs}`);
  const finite = samples.filter((s) => Number.isFinite(s.value) && Number.isFinite(s.timeMs));
  if (finite.length === 0) return { startMs: 0, stepMs, values: new Float64Array(0) };
  let minT = Infinity;
  let maxT = -Infinity;
  for (const s of finite) {
    if (s.timeMs < minT) minT = s.timeMs;
    if (s.timeMs > maxT) maxT = s.timeMs;
  }
  const startMs = Math.floor(minT / stepMs) * stepMs;
  const n = Math.floor((maxT - startMs) / stepMs) + 1;
  const sums = new Float64Array(n);
  const counts = new Uint32Array(n);
  const lastTime = new Float64Array(n).fill(-Infinity);
  for (const s of finite) {
    const i = Math.floor((s.timeMs - startMs) / stepMs);
    if (method === 'last') {
      if (s.timeMs >= (lastTime[i] ?? -Infinity)) {
        sums[i] = s.value;
        lastTime[i] = s.timeMs;
      }
      counts[i] = 1;
    } else {
      sums[i] = (sums[i] ?? 0) + s.value;
      counts[i] = (counts[i] ?? 0) + 1;
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = counts[i] ?? 0;
    values[i] = c === 0 ? Number.NaN : method === 'mean' ? (sums[i] ?? 0) / c : (sums[i] ?? 0);
  }
  return { startMs, stepMs, values };
}

/** Time of sample `i` of a regular series. */
export function timeAt(series: RegularSeries, i: number): number {
  return series.startMs + i * series.stepMs;
}
