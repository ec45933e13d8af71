import type { Detector, DetectorInput, DetectorResult, DetectorSnapshot } from '../../core/detector.js';
import {
  windowedGaussianConfigSchema,
  type WindowedGaussianConfig,
  type WindowedGaussianOptions,
} from './config.js';
import { checkSnapshotHeader, decodeArray, decodeNumber, encodeArray, field } from './snapshot-codec.js';

const ID = 'windowed-gaussian';
const VERSION = 1;

/**
 * NAB's reference baseline, kept as a yardstick: the score is 1 minus the two-sided Gaussian tail
 * probability of the value against the mean and deviation of a sliding window (recomputed every `stepPoints`).
 * Memory is the window (constant per series). It knows nothing of seasonality or shifts, which
 * is exactly what it is for: any real detector must beat it.
 */
export class WindowedGaussianDetector implements Detector {
  readonly id = ID;
  private readonly config: WindowedGaussianConfig;
  private window: Float64Array;
  private filled = 0;
  private next = 0;
  private pending = 0;
  private points = 0;
  private mean = 0;
  private stdev = 1;
  private m2 = 0;

  constructor(options: WindowedGaussianOptions = {}) {
    this.config = windowedGaussianConfigSchema.parse(options);
    this.window = new Float64Array(this.config.windowPoints);
  }

  update(point: DetectorInput): DetectorResult {
    const x = point.value;
    if (!Number.isFinite(x)) return { score: 0, explanation: { observed: x, component: 'gap' } };
    const seen = this.filled > 0;
    const z = seen ? Math.abs(x - this.mean) / this.stdev : 0;
    // 1 - two-sided tail: 0 at the mean. NAB's version reports 1 - one-sided tail (0.5 at the
    // mean); both order points the same, so the NAB score is unchanged.
    const raw = seen ? 1 - 2 * gaussianTail(z) : 0;
    const explanation = seen
      ? {
          observed: x,
          expected: this.mean,
          lower: this.mean - 3 * this.stdev,
          upper: this.mean + 3 * this.stdev,
          component: 'gaussian-tail',
        }
      : { observed: x, component: 'gaussian-tail' };
    this.learn(x);
    this.points++;
    if (this.points <= this.config.warmupPoints)
      return { score: 0, explanation: { ...explanation, warmingUp: true } };
    return { score: raw, explanation };
  }

  private learn(x: number): void {
    const size = this.window.length;
    this.window[this.next] = x;
    this.next = (this.next + 1) % size;
    if (this.filled < size) {
      // While the window fills, Welford's update gives the same mean and deviation in O(1).
      this.filled++;
      const delta = x - this.mean;
      this.mean += delta / this.filled;
      this.m2 += delta * (x - this.mean);
      this.stdev = Math.sqrt(this.m2 / this.filled) || 1e-6;
      return;
    }
    this.pending++;
    if (this.pending >= this.config.stepPoints) {
      this.pending = 0;
      this.recompute();
    }
  }

  private recompute(): void {
    let sum = 0;
    for (let i = 0; i < this.filled; i++) sum += this.window[i] as number;
    const mean = sum / this.filled;
    let ss = 0;
    for (let i = 0; i < this.filled; i++) ss += ((this.window[i] as number) - mean) ** 2;
    this.mean = mean;
    // NAB's baseline floors a zero deviation at 1e-6.
    this.stdev = Math.sqrt(ss / this.filled) || 1e-6;
  }

  snapshot(): DetectorSnapshot {
    return {
      detectorId: ID,
      version: VERSION,
      window: encodeArray(this.window),
      filled: this.filled,
      next: this.next,
      pending: this.pending,
      points: this.points,
      mean: this.mean,
      stdev: this.stdev,
      m2: this.m2,
    };
  }

  restore(snapshot: DetectorSnapshot): void {
    checkSnapshotHeader(snapshot, ID, VERSION);
    this.window = decodeArray(field(snapshot, 'window'), 'window', this.config.windowPoints);
    this.filled = decodeNumber(field(snapshot, 'filled'), 'filled');
    this.next = decodeNumber(field(snapshot, 'next'), 'next');
    this.pending = decodeNumber(field(snapshot, 'pending'), 'pending');
    this.points = decodeNumber(field(snapshot, 'points'), 'points');
    this.mean = decodeNumber(field(snapshot, 'mean'), 'mean');
    this.stdev = decodeNumber(field(snapshot, 'stdev'), 'stdev');
    this.m2 = decodeNumber(field(snapshot, 'm2'), 'm2');
  }
}

/**
 * Upper tail of the standard normal, 0.5 erfc(z / sqrt 2): the Taylor series of erf near 0
 * (exact at 0, so the mean scores exactly 0), Abramowitz-Stegun 7.1.26 elsewhere (|error| < 1.5e-7).
 */
export function gaussianTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  let erfc: number;
  if (x < 0.5) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 12; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    erfc = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    const t = 1 / (1 + 0.3275911 * x);
    const poly =
      t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    erfc = poly * Math.exp(-x * x);
  }
  return z >= 0 ? 0.5 * erfc : 1 - 0.5 * erfc;
}
