import type { LayersModel } from '@tensorflow/tfjs';
import type { Forecast, ForecasterSnapshot } from '../../../core/forecaster.js';
import { HeadroomError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { RegularSeries } from '../../../core/time-series.js';
import { initTf, tf, tfBackendName } from '../../tf.js';
import { HoltWinters } from '../holt-winters.js';
import { emptyBand, sanitiseBand, type QuantileArrays } from '../quantile-band.js';
import { seasonPeriods } from '../season-periods.js';
import { seededRandom } from '../seeded-random.js';
import type { WalkForwardForecaster } from '../walk-forward-forecaster.js';
import { FEATURE_COUNT, FEATURE_NAMES, prepareSeries, writeFeatures } from './features.js';
import { applyCalibration, calibrate, IDENTITY_CALIBRATION, type Calibration } from './calibration.js';
import { buildNetwork, readWeights, writeWeights, type WeightsJson } from './network.js';
import { orderedQuantiles } from './pinball-loss.js';

export interface QuantileMlpOptions {
  /** Longest horizon (steps) it is trained for; half the samples are at exactly this horizon. */
  readonly horizonSteps?: number;
  /** Training windows drawn per fit, spread over the series. */
  readonly samplesPerFit?: number;
  /** Epochs of the first fit; later fits continue from the previous weights. */
  readonly epochs?: number;
  readonly refitEpochs?: number;
  readonly hiddenUnits?: readonly [number, number];
  readonly learningRate?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  /** Most recent steps of each series used for training (default: four weeks). */
  readonly trainWindowSteps?: number;
  readonly nonNegative?: boolean;
}

export interface SeriesRequest {
  readonly series: RegularSeries;
  readonly origins: Int32Array;
  readonly horizons: Int32Array;
}

const VERSION = '1';
const HOUR_MS = 3_600_000;

/**
 * The learned forecaster: ONE dense network shared by every series (a global model, so thousands
 * of series cost one training run), fed per-series-normalised inputs (see features.ts: Holt-
 * Winters forecast, smoothed daily/weekly seasonal lags and profiles, recent means, horizon,
 * calendar) and trained with pinball loss to output p10/p50/p90 of the target divided by the
 * series' trailing one-week mean, as a CORRECTION to the Holt-Winters forecast (the base). A
 * zero-initialised output layer makes the untrained model equal to Holt-Winters, and the
 * network learns where blending in the seasonal profiles and recent level does better. Dense
 * layers only: the WASM backend trains them fast and cannot train convolutions.
 *
 * Deterministic: seeded initialisers and a seeded sample order (no tfjs shuffling).
 */
export class QuantileMlp implements WalkForwardForecaster {
  readonly id = 'quantile-mlp';
  readonly version = VERSION;
  private readonly options: QuantileMlpOptions;
  private readonly logger: Logger | undefined;
  private hw: HoltWinters;
  private net: LayersModel | undefined;
  private stepMs: number | undefined;
  private fits = 0;
  private training: Record<string, number> = {};
  private calibration: Calibration = IDENTITY_CALIBRATION;

  constructor(options: QuantileMlpOptions = {}, logger?: Logger) {
    this.options = options;
    this.logger = logger;
    this.hw = new HoltWinters({ targetHorizonSteps: options.horizonSteps });
  }

  minHistorySteps(stepMs: number): number {
    return this.hw.minHistorySteps(stepMs);
  }

  /** What the last fit saw (series, samples, window), for the registry. */
  get trainingInfo(): Readonly<Record<string, number>> {
    return this.training;
  }

  async fit(histories: readonly RegularSeries[], options?: { signal?: AbortSignal }): Promise<void> {
    await initTf(this.logger);
    if (histories.length === 0) throw new HeadroomError('no_history', 'quantile-mlp: fit needs a history');
    const stepMs = histories[0]!.stepMs;
    if (histories.some((h) => h.stepMs !== stepMs)) {
      throw new HeadroomError('mixed_steps', 'quantile-mlp: all histories must share one step');
    }
    const window = this.options.trainWindowSteps ?? 4 * Math.max(seasonPeriods(stepMs).weeklySteps, 28);
    const trimmed = histories
      .filter((h) => h.values.length >= this.minHistorySteps(stepMs))
      .map((h) => {
        const drop = Math.max(0, h.values.length - window);
        return { startMs: h.startMs + drop * h.stepMs, stepMs, values: h.values.subarray(drop) };
      });
    if (trimmed.length === 0) {
      throw new HeadroomError(
        'insufficient_history',
        `quantile-mlp needs ${this.minHistorySteps(stepMs)} steps`,
      );
    }
    if (this.stepMs !== undefined && this.stepMs !== stepMs) this.disposeNet();
    await this.hw.fit(trimmed, options);
    options?.signal?.throwIfAborted();
    const horizonMax = this.horizonSteps(stepMs);
    const total = trimmed.reduce((sum, h) => sum + h.values.length, 0);
    // Short histories give few distinct windows: drawing many more only repeats them (overfits).
    const samples = Math.min(this.options.samplesPerFit ?? 40_000, 4 * total);
    const rand = seededRandom((this.options.seed ?? 42) + total);
    const dayLag = seasonPeriods(stepMs).dailySteps || 1;
    // The tail of each window is held out from training to calibrate blend and band (calibration.ts).
    const holdout = (n: number): number =>
      Math.min(Math.round(0.3 * n), Math.max(dayLag, Math.round(0.2 * n)));
    const trainReqs = sampleRequests(trimmed, samples, rand, horizonMax, dayLag, (n) => [
      0,
      n - 1 - holdout(n),
    ]);
    const calReqs = sampleRequests(trimmed, Math.min(5000, samples / 4), rand, horizonMax, dayLag, (n) => [
      n - holdout(n),
      n - 1,
    ]);
    const train = this.labelled(trainReqs);
    const rows = train.scales.length;
    if (rows === 0)
      throw new HeadroomError('insufficient_history', 'quantile-mlp: no training windows fit the history');
    const targets = train.targets;
    const order = permutation(rows, rand);
    const x = new Float32Array(rows * FEATURE_COUNT);
    const batch = train;
    // tfjs wants targets shaped like the [n, 3] output: the target repeated once per quantile.
    const y = new Float32Array(rows * 3);
    order.forEach((src, dst) => {
      x.set(batch.x.subarray(src * FEATURE_COUNT, (src + 1) * FEATURE_COUNT), dst * FEATURE_COUNT);
      y.fill((targets[src] as number) - (batch.bases[src] as number), dst * 3, dst * 3 + 3);
    });
    const first = this.net === undefined;
    this.net ??= buildNetwork(
      FEATURE_COUNT,
      this.options.hiddenUnits ?? [64, 32],
      this.options.learningRate ?? 3e-3,
      this.options.seed ?? 42,
    );
    this.stepMs = stepMs;
    const xs = tf.tensor2d(x, [rows, FEATURE_COUNT]);
    const ys = tf.tensor2d(y, [rows, 3]);
    try {
      await this.net.fit(xs, ys, {
        epochs: first ? (this.options.epochs ?? 8) : (this.options.refitEpochs ?? 3),
        batchSize: this.options.batchSize ?? 512,
        shuffle: false,
        verbose: 0,
      });
    } finally {
      xs.dispose();
      ys.dispose();
    }
    const cal = this.labelled(calReqs);
    const q = cal.scales.length > 0 ? await predict(this.net, cal.x, cal.scales.length) : new Float32Array(0);
    this.calibration = calibrate(cal.targets, cal.bases, q);
    this.fits++;
    this.training = {
      series: trimmed.length,
      samples: rows,
      windowSteps: window,
      fits: this.fits,
      holdoutRows: cal.scales.length,
      blend: this.calibration.blend,
      lowerScale: this.calibration.lowerScale,
      upperScale: this.calibration.upperScale,
    };
  }

  async forecast(history: RegularSeries, horizonSteps: number): Promise<Forecast> {
    const [f] = await this.forecastMany([history], horizonSteps);
    return f!;
  }

  /** Forecasts the steps after the end of each history in one batched network call. */
  async forecastMany(histories: readonly RegularSeries[], horizonSteps: number): Promise<Forecast[]> {
    const requests = histories.map((series) => ({
      series,
      origins: new Int32Array(horizonSteps).fill(series.values.length - 1),
      horizons: Int32Array.from({ length: horizonSteps }, (_, k) => k + 1),
    }));
    const bands = await this.forecastRequests(requests);
    return bands.map((band, i) => {
      const h = histories[i]!;
      return {
        startMs: h.startMs + h.values.length * h.stepMs,
        stepMs: h.stepMs,
        ...band,
        modelId: this.id,
        modelVersion: this.version,
      };
    });
  }

  async forecastOrigins(
    series: RegularSeries,
    origins: Int32Array,
    horizons: Int32Array,
  ): Promise<QuantileArrays> {
    const [band] = await this.forecastRequests([{ series, origins, horizons }]);
    return band!;
  }

  /** Many series, many origins each, one network call. */
  async forecastRequests(requests: readonly SeriesRequest[]): Promise<QuantileArrays[]> {
    const net = this.net;
    if (!net || this.stepMs === undefined)
      throw new HeadroomError('not_fitted', 'quantile-mlp: call fit() or restore() first');
    await initTf(this.logger);
    for (const req of requests) {
      if (req.series.stepMs !== this.stepMs) {
        throw new HeadroomError(
          'step_mismatch',
          `quantile-mlp trained at ${this.stepMs} ms, got ${req.series.stepMs} ms`,
        );
      }
    }
    const batch = this.features(requests);
    const rows = batch.scales.length;
    const q = rows === 0 ? new Float32Array(0) : await predict(net, batch.x, rows);
    let r = 0;
    return requests.map((req) => {
      const out = emptyBand(req.origins.length);
      for (let k = 0; k < req.origins.length; k++, r++) {
        const s = batch.scales[r] as number;
        const b = batch.bases[r] as number;
        const [lo, mid, hi] = applyCalibration(this.calibration, b, q[3 * r]!, q[3 * r + 1]!, q[3 * r + 2]!);
        out.p10[k] = lo * s;
        out.p50[k] = mid * s;
        out.p90[k] = hi * s;
      }
      return sanitiseBand(out, this.options.nonNegative ?? true);
    });
  }

  snapshot(): ForecasterSnapshot {
    if (!this.net || this.stepMs === undefined)
      throw new HeadroomError('not_fitted', 'quantile-mlp: nothing to snapshot');
    return {
      modelId: this.id,
      modelVersion: this.version,
      options: { ...this.options },
      stepMs: this.stepMs,
      features: [...FEATURE_NAMES],
      weights: readWeights(this.net),
      holtWinters: this.hw.snapshot(),
      training: { ...this.training },
      calibration: { ...this.calibration },
      backend: tfBackendName() ?? 'unknown',
    };
  }

  restore(snapshot: ForecasterSnapshot): void {
    if (snapshot.modelId !== this.id) {
      throw new HeadroomError('snapshot_mismatch', `snapshot of ${snapshot.modelId} given to ${this.id}`);
    }
    const features = snapshot.features as string[] | undefined;
    if (!features || features.join(',') !== FEATURE_NAMES.join(',')) {
      throw new HeadroomError(
        'snapshot_mismatch',
        'quantile-mlp snapshot was made with other input features',
      );
    }
    this.disposeNet();
    const options = snapshot.options as QuantileMlpOptions;
    this.net = buildNetwork(
      FEATURE_COUNT,
      options.hiddenUnits ?? [64, 32],
      options.learningRate ?? 3e-3,
      options.seed ?? 42,
    );
    writeWeights(this.net, snapshot.weights as WeightsJson);
    this.hw.restore(snapshot.holtWinters as ForecasterSnapshot);
    this.stepMs = snapshot.stepMs as number;
    this.training = { ...(snapshot.training as Record<string, number>) };
    this.fits = this.training.fits ?? 1;
    this.calibration = { ...IDENTITY_CALIBRATION, ...(snapshot.calibration as Calibration | undefined) };
  }

  dispose(): void {
    this.disposeNet();
  }

  private disposeNet(): void {
    this.net?.dispose();
    this.net = undefined;
  }

  private horizonSteps(stepMs: number): number {
    return Math.max(1, this.options.horizonSteps ?? Math.round(HOUR_MS / stepMs));
  }

  /** Features plus normalised targets (value / scale; the base is subtracted for training). */
  private labelled(requests: readonly SeriesRequest[]) {
    const batch = this.features(requests);
    const targets = new Float64Array(batch.scales.length);
    let r = 0;
    for (const req of requests) {
      for (let k = 0; k < req.origins.length; k++, r++) {
        const y = req.series.values[(req.origins[k] as number) + (req.horizons[k] as number)] as number;
        targets[r] = Math.max(-50, Math.min(50, (Number.isFinite(y) ? y : 0) / (batch.scales[r] as number)));
      }
    }
    return { ...batch, targets };
  }

  private features(requests: readonly SeriesRequest[]): {
    x: Float32Array;
    scales: Float64Array;
    bases: Float64Array;
  } {
    const rows = requests.reduce((s, r) => s + r.origins.length, 0);
    const x = new Float32Array(rows * FEATURE_COUNT);
    const scales = new Float64Array(rows);
    const bases = new Float64Array(rows);
    let row = 0;
    for (const req of requests) {
      if (req.origins.length === 0) continue;
      const prepared = prepareSeries(req.series);
      const hw = this.hw.pointForecasts(prepared.values, prepared.stepMs, req.origins, req.horizons);
      writeFeatures(prepared, hw, req.origins, req.horizons, x, row, scales, bases);
      row += req.origins.length;
    }
    return { x, scales, bases };
  }
}

async function predict(net: LayersModel, x: Float32Array, rows: number): Promise<Float32Array> {
  // One batch: predict()'s default of 32 rows per batch reads every small batch back from WASM.
  const out = tf.tidy(() =>
    orderedQuantiles(
      net.predict(tf.tensor2d(x, [rows, FEATURE_COUNT]), { batchSize: Math.max(32, rows) }) as never,
    ),
  );
  try {
    return (await out.data()) as Float32Array;
  } finally {
    out.dispose();
  }
}

/**
 * Random (origin, horizon) pairs per series, in proportion to its length, with targets inside
 * `region(n)` (inclusive index range). Half the horizons are the longest one trained for.
 */
function sampleRequests(
  series: readonly RegularSeries[],
  count: number,
  rand: () => number,
  horizonMax: number,
  firstOrigin: number,
  region: (n: number) => [number, number],
): SeriesRequest[] {
  const total = series.reduce((s, h) => s + h.values.length, 0);
  const out: SeriesRequest[] = [];
  for (const one of series) {
    const n = one.values.length;
    const [lo, hi] = region(n);
    const share = Math.max(100, Math.round((count * n) / total));
    const origins: number[] = [];
    const horizons: number[] = [];
    for (let i = 0; i < share; i++) {
      const h = rand() < 0.5 ? horizonMax : 1 + Math.floor(rand() * horizonMax);
      const first = Math.max(Math.min(firstOrigin, n - 2), lo - h);
      const last = hi - h;
      if (last < first) continue;
      origins.push(first + Math.floor(rand() * (last - first + 1)));
      horizons.push(h);
    }
    if (origins.length > 0)
      out.push({ series: one, origins: Int32Array.from(origins), horizons: Int32Array.from(horizons) });
  }
  return out;
}

function permutation(n: number, rand: () => number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}
