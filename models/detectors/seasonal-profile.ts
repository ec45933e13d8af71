import { decodeArray, decodeNumber, encodeArray, encodeNumber, snapshotError } from './snapshot-codec.js';

/** Intervals looked at before the profile decides its bin count. */
const INTERVALS_TO_SIZE = 16;
/** A period shorter than this many samples carries no usable shape. */
const MIN_BINS = 4;

/**
 * The typical value at each phase of a period (time of day for a one-day period), learnt as an
 * exponentially weighted mean per phase bin. The bin count follows the sampling interval (one
 * bin per sample, at most `maxBins`), decided once from the median of the first intervals so it
 * never changes under a running series; memory is therefore bounded by `maxBins`.
 * Phases are taken from epoch milliseconds, i.e. UTC.
 */
export class SeasonalProfile {
  private readonly intervals: number[] = [];
  private lastTimeMs = Number.NaN;
  private firstTimeMs = Number.NaN;
  /** 0 while undecided, -1 when the period is too short for the sampling interval. */
  private bins = 0;
  private alphaPerPoint = 0;
  private means = new Float64Array(0);
  private visits = new Float64Array(0);

  constructor(
    private readonly periodMs: number,
    private readonly maxBins: number,
    /** Weight of the newest period in a bin's mean (per visit of the whole bin). */
    private readonly alphaPerPeriod: number,
  ) {}

  /** Milliseconds since the first point seen (0 before any). */
  elapsedMs(timeMs: number): number {
    return Number.isNaN(this.firstTimeMs) ? 0 : timeMs - this.firstTimeMs;
  }

  /** True once the bin count is decided and the period has a usable shape. */
  get active(): boolean {
    return this.bins > 0;
  }

  /** The learnt typical value at this time's phase, or NaN when unknown. */
  expected(timeMs: number): number {
    if (this.bins <= 0) return Number.NaN;
    const b = this.binOf(timeMs);
    return (this.visits[b] as number) > 0 ? (this.means[b] as number) : Number.NaN;
  }

  /** Learns one observation (call after scoring it). */
  learn(timeMs: number, value: number): void {
    if (Number.isNaN(this.firstTimeMs)) this.firstTimeMs = timeMs;
    if (this.bins === 0) this.size(timeMs);
    this.lastTimeMs = timeMs;
    if (this.bins <= 0) return;
    const b = this.binOf(timeMs);
    const seen = this.visits[b] as number;
    this.means[b] =
      seen === 0
        ? value
        : (this.means[b] as number) + this.alphaPerPoint * (value - (this.means[b] as number));
    this.visits[b] = seen + 1;
  }

  private size(timeMs: number): void {
    const dt = timeMs - this.lastTimeMs;
    if (dt > 0) this.intervals.push(dt);
    if (this.intervals.length < INTERVALS_TO_SIZE) return;
    const sorted = [...this.intervals].sort((a, b) => a - b);
    const medianMs = sorted[sorted.length >> 1] as number;
    this.intervals.length = 0;
    const samplesPerPeriod = this.periodMs / medianMs;
    if (samplesPerPeriod < MIN_BINS) {
      this.bins = -1;
      return;
    }
    this.bins = Math.min(this.maxBins, Math.round(samplesPerPeriod));
    // Several samples may share a bin; spread the per-period weight over them.
    const pointsPerBin = Math.max(1, samplesPerPeriod / this.bins);
    this.alphaPerPoint = 1 - Math.pow(1 - this.alphaPerPeriod, 1 / pointsPerBin);
    this.means = new Float64Array(this.bins);
    this.visits = new Float64Array(this.bins);
  }

  private binOf(timeMs: number): number {
    const phase = (((timeMs % this.periodMs) + this.periodMs) % this.periodMs) / this.periodMs;
    return Math.min(this.bins - 1, Math.floor(phase * this.bins));
  }

  snapshot(): Record<string, unknown> {
    return {
      intervals: [...this.intervals],
      lastTimeMs: encodeNumber(this.lastTimeMs),
      firstTimeMs: encodeNumber(this.firstTimeMs),
      bins: this.bins,
      alphaPerPoint: this.alphaPerPoint,
      means: encodeArray(this.means),
      visits: encodeArray(this.visits),
    };
  }

  restore(state: unknown): void {
    if (typeof state !== 'object' || state === null) throw snapshotError('seasonal state missing');
    const s = state as Record<string, unknown>;
    const bins = decodeNumber(s.bins, 'seasonal.bins');
    if (bins > this.maxBins)
      throw snapshotError(`seasonal profile has ${bins} bins, config allows ${this.maxBins}`);
    const intervals = decodeArray(s.intervals, 'seasonal.intervals');
    this.intervals.length = 0;
    this.intervals.push(...intervals);
    this.lastTimeMs = decodeNumber(s.lastTimeMs, 'seasonal.lastTimeMs');
    this.firstTimeMs = decodeNumber(s.firstTimeMs, 'seasonal.firstTimeMs');
    this.bins = bins;
    this.alphaPerPoint = decodeNumber(s.alphaPerPoint, 'seasonal.alphaPerPoint');
    const n = Math.max(0, bins);
    this.means = decodeArray(s.means, 'seasonal.means', n);
    this.visits = decodeArray(s.visits, 'seasonal.visits', n);
  }
}
