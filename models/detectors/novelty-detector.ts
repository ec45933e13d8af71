import type { Detector, DetectorInput, DetectorResult, DetectorSnapshot } from '../../core/detector.js';
import { AlertSuppressor } from './alert-suppressor.js';
import { noveltyConfigSchema, type NoveltyConfig, type NoveltyOptions } from './config.js';
import { Envelope } from './envelope.js';
import { SeasonalProfile } from './seasonal-profile.js';
import { checkSnapshotHeader, decodeNumber, encodeNumber, field } from './snapshot-codec.js';

const ID = 'novelty';
const VERSION = 1;
/** Points an envelope must hold before its exceedances are scored. */
const MIN_ENVELOPE_POINTS = 10;

/** Which statistic left its envelope (`none` when all stayed inside). */
export type NoveltyComponent = 'value-range' | 'mean-shift' | 'seasonal' | 'none';

/**
 * The default detector: flags what this series has never done before.
 *
 * Three causal statistics each keep an envelope of everything they have shown so far (constant
 * memory): the value itself (HTM's "spatial anomaly": a spike or a level beyond every value
 * seen), a short exponentially weighted mean (a sustained shift that single points hide in
 * noise), and the residual from a learnt time-of-day profile (a daily pattern that breaks,
 * e.g. the usual morning rise that does not come). A statistic that leaves its envelope by
 * `tolerance` of the envelope's width scores `alertScore`; the score grows as r / (1 + r) with
 * r = excess / tolerance, so it is comparable across series whatever their units, which matters
 * because one threshold serves every series. An AlertSuppressor then keeps one incident to one
 * alert.
 *
 * Why this works on NAB and for on-call: labelled anomalies are, overwhelmingly, behaviour a
 * series has not shown before, while ordinary noise, however heavy-tailed, repeats itself; a
 * record test learns each series' own normal without any distributional assumption, and
 * needs no per-series tuning. Gaps (NaN) score 0 and leave the state unchanged; a constant
 * series alerts on its first change.
 */
export class NoveltyDetector implements Detector {
  readonly id = ID;
  private readonly config: NoveltyConfig;
  private readonly valueEnvelope: Envelope;
  private readonly meanEnvelope: Envelope;
  private readonly seasonalEnvelope: Envelope;
  private readonly profile: SeasonalProfile;
  private readonly suppressor: AlertSuppressor;
  private readonly rAlert: number;
  private points = 0;
  private mean = Number.NaN;

  constructor(options: NoveltyOptions = {}) {
    this.config = noveltyConfigSchema.parse(options);
    const c = this.config;
    this.valueEnvelope = new Envelope(c.envelopeDecay);
    this.meanEnvelope = new Envelope(c.envelopeDecay);
    this.seasonalEnvelope = new Envelope(c.envelopeDecay);
    this.profile = new SeasonalProfile(c.seasonal.periodMs, c.seasonal.maxBins, c.seasonal.alpha);
    this.suppressor = new AlertSuppressor(
      c.alertScore,
      c.suppression.holdPoints,
      c.suppression.refractoryPoints,
    );
    // score = alertScore exactly when r = 1: score = k r / (1 + k r) with k chosen accordingly.
    this.rAlert = c.alertScore / (1 - c.alertScore);
  }

  update(point: DetectorInput): DetectorResult {
    const x = point.value;
    if (!Number.isFinite(x)) return { score: 0, explanation: { observed: x, component: 'gap' } };
    const c = this.config;
    const t = point.timeMs;

    // Statistics of this point against the state left by the points before it.
    const prevMean = this.mean;
    const mean = Number.isNaN(prevMean) ? x : prevMean + c.mean.alpha * (x - prevMean);
    const seasonalExpected = c.seasonal.enabled ? this.profile.expected(t) : Number.NaN;
    const residual = x - seasonalExpected;
    const elapsedPeriods = this.profile.elapsedMs(t) / c.seasonal.periodMs;
    const minWidth = this.minWidth();

    // An envelope of a handful of points says nothing yet: too little history is not an anomaly.
    const rValue =
      this.valueEnvelope.size >= MIN_ENVELOPE_POINTS
        ? Math.abs(this.valueEnvelope.exceedance(x, minWidth)) / c.value.tolerance
        : 0;
    const rMean =
      this.meanEnvelope.size >= Math.max(MIN_ENVELOPE_POINTS, c.mean.settlePoints)
        ? Math.abs(this.meanEnvelope.exceedance(mean, minWidth)) / c.mean.tolerance
        : 0;
    const seasonalScored = elapsedPeriods >= c.seasonal.scoreAfterPeriods && Number.isFinite(residual);
    const rSeasonal = seasonalScored
      ? Math.abs(this.seasonalEnvelope.exceedance(residual, minWidth)) / c.seasonal.tolerance
      : 0;
    let r = rValue;
    let component: NoveltyComponent = rValue > 0 ? 'value-range' : 'none';
    if (rMean > r) {
      r = rMean;
      component = 'mean-shift';
    }
    if (rSeasonal > r) {
      r = rSeasonal;
      component = 'seasonal';
    }
    const band = this.band(component, prevMean, seasonalExpected);

    // Learn.
    this.valueEnvelope.add(x);
    if (this.points >= c.mean.settlePoints) this.meanEnvelope.add(mean);
    if (Number.isFinite(residual) && elapsedPeriods >= c.seasonal.learnAfterPeriods) {
      this.seasonalEnvelope.add(residual);
    }
    if (c.seasonal.enabled) this.profile.learn(t, x);
    this.mean = mean;
    this.points++;

    if (this.points <= c.warmupPoints) {
      return { score: 0, explanation: { observed: x, ...band, component, warmingUp: true } };
    }
    const kr = r * this.rAlert;
    // Overflowing inputs (|x| near 1e308) may make r infinite or NaN; neither may reach the output.
    const raw = kr === Infinity ? 1 : kr >= 0 ? kr / (1 + kr) : 0;
    const score = this.suppressor.filter(raw);
    if (raw < c.alertScore) return { score, explanation: { observed: x, ...band, component } };
    return {
      score,
      explanation: {
        observed: x,
        ...band,
        component,
        detail: describe(component, x, mean, band, r * this.tolerance(component)),
        ...(score === 0 ? { suppressed: true } : {}),
      },
    };
  }

  snapshot(): DetectorSnapshot {
    return {
      detectorId: ID,
      version: VERSION,
      points: this.points,
      mean: encodeNumber(this.mean),
      valueEnvelope: this.valueEnvelope.snapshot(),
      meanEnvelope: this.meanEnvelope.snapshot(),
      seasonalEnvelope: this.seasonalEnvelope.snapshot(),
      profile: this.profile.snapshot(),
      suppressor: this.suppressor.snapshot(),
    };
  }

  restore(snapshot: DetectorSnapshot): void {
    checkSnapshotHeader(snapshot, ID, VERSION);
    this.points = decodeNumber(field(snapshot, 'points'), 'points');
    this.mean = decodeNumber(field(snapshot, 'mean'), 'mean');
    this.valueEnvelope.restore(field(snapshot, 'valueEnvelope'), 'valueEnvelope');
    this.meanEnvelope.restore(field(snapshot, 'meanEnvelope'), 'meanEnvelope');
    this.seasonalEnvelope.restore(field(snapshot, 'seasonalEnvelope'), 'seasonalEnvelope');
    this.profile.restore(field(snapshot, 'profile'));
    this.suppressor.restore(field(snapshot, 'suppressor'));
  }

  /**
   * Width below which envelopes are not trusted: a millionth of the value range, or a
   * billionth of the magnitude for a constant series, so that rounding noise in a perfectly
   * regular series never alarms while the first real change of a flat one does.
   */
  private minWidth(): number {
    const lo = this.valueEnvelope.lower;
    const hi = this.valueEnvelope.upper;
    if (!(hi >= lo)) return 1e-12;
    return Math.max((hi - lo) * 1e-6, Math.max(Math.abs(lo), Math.abs(hi)) * 1e-9, 1e-12);
  }

  private tolerance(component: NoveltyComponent): number {
    const c = this.config;
    return component === 'mean-shift'
      ? c.mean.tolerance
      : component === 'seasonal'
        ? c.seasonal.tolerance
        : c.value.tolerance;
  }

  /** Expected value and range in the units of the value, for the component that fired. */
  private band(
    component: NoveltyComponent,
    prevMean: number,
    seasonalExpected: number,
  ): { expected?: number; lower?: number; upper?: number } {
    const expected = Number.isFinite(seasonalExpected) ? seasonalExpected : prevMean;
    const out: { expected?: number; lower?: number; upper?: number } = {};
    if (Number.isFinite(expected)) out.expected = expected;
    let lo = this.valueEnvelope.lower;
    let hi = this.valueEnvelope.upper;
    if (component === 'mean-shift') {
      lo = this.meanEnvelope.lower;
      hi = this.meanEnvelope.upper;
    } else if (component === 'seasonal') {
      lo = seasonalExpected + this.seasonalEnvelope.lower;
      hi = seasonalExpected + this.seasonalEnvelope.upper;
    }
    if (Number.isFinite(lo) && Number.isFinite(hi)) {
      out.lower = lo;
      out.upper = hi;
    }
    return out;
  }
}

function describe(
  component: NoveltyComponent,
  observed: number,
  mean: number,
  band: { expected?: number; lower?: number; upper?: number },
  excessFraction: number,
): string {
  const pct = `${Math.round(excessFraction * 100)}%`;
  const range = band.lower !== undefined ? `${fmt(band.lower)}..${fmt(band.upper as number)}` : 'unknown';
  switch (component) {
    case 'mean-shift':
      return `short-term mean ${fmt(mean)} left its usual range ${range} by ${pct} of that range`;
    case 'seasonal':
      return `value ${fmt(observed)} is outside the usual range ${range} for this time of day by ${pct}`;
    default:
      return `value ${fmt(observed)} is outside every value seen so far (${range}) by ${pct} of that range`;
  }
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}
