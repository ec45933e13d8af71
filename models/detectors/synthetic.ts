/**
 * Deterministic synthetic series for tests and examples: a seeded PRNG (mulberry32) and
 * Gaussian noise (Box-Muller), so every run of a test sees the same data.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from a seeded uniform source. */
export function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/** A series of `n` points every `stepMs` from `startMs`, values from `valueAt(i)`. */
export function series(
  n: number,
  valueAt: (i: number) => number,
  stepMs = 300_000,
  startMs = Date.UTC(2024, 0, 1),
): { timeMs: Float64Array; values: Float64Array } {
  const timeMs = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    timeMs[i] = startMs + i * stepMs;
    values[i] = valueAt(i);
  }
  return { timeMs, values };
}
