import type { EncodedNumber } from './snapshot-codec.js';
import { decodeNumber, encodeNumber } from './snapshot-codec.js';

/**
 * The range [lo, hi] a statistic has covered so far: HTM's "spatial anomaly" idea (a value
 * outside everything seen before, by more than a tolerance of the range) applied to any
 * statistic. Constant memory. With `decay` > 0 both ends shrink towards the middle by that
 * fraction per point, so a long-running series slowly forgets extremes it no longer visits.
 */
export class Envelope {
  private lo = Infinity;
  private hi = -Infinity;
  private count = 0;

  constructor(private readonly decay: number) {}

  get lower(): number {
    return this.lo;
  }
  get upper(): number {
    return this.hi;
  }
  get size(): number {
    return this.count;
  }

  /**
   * How far `x` lies outside the envelope, as a fraction of its width (never less than
   * `minWidth`): positive above, negative below, 0 inside or while the envelope is empty.
   */
  exceedance(x: number, minWidth: number): number {
    if (this.count === 0) return 0;
    const width = Math.max(this.hi - this.lo, minWidth);
    if (x > this.hi) return (x - this.hi) / width;
    if (x < this.lo) return (x - this.lo) / width;
    return 0;
  }

  add(x: number): void {
    if (this.decay > 0 && this.count > 0) {
      const shrink = (this.hi - this.lo) * 0.5 * this.decay;
      this.hi -= shrink;
      this.lo += shrink;
    }
    if (x > this.hi) this.hi = x;
    if (x < this.lo) this.lo = x;
    this.count++;
  }

  snapshot(): [EncodedNumber, EncodedNumber, number] {
    return [encodeNumber(this.lo), encodeNumber(this.hi), this.count];
  }

  restore(state: unknown, name: string): void {
    const [lo, hi, count] = Array.isArray(state) ? state : [];
    this.lo = decodeNumber(lo, `${name}.lo`);
    this.hi = decodeNumber(hi, `${name}.hi`);
    this.count = decodeNumber(count, `${name}.count`);
  }
}
