import { HeadroomError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { RegularSeries } from '../../core/time-series.js';
import type { QuantileMlpOptions } from '../forecasters/learned/quantile-mlp.js';
import { FORECASTERS } from '../forecasters/registry.js';
import { seasonPeriods } from '../forecasters/season-periods.js';
import type { WalkForwardForecaster } from '../forecasters/walk-forward-forecaster.js';
import { ModelRegistry, type ModelArtefact } from '../registry/model-registry.js';
import { decidePromotion, type ModelScore } from '../registry/promotion.js';
import { tfBackendName } from '../tf.js';

export interface RetrainOptions {
  /** Recent history of every series to learn from (one step size). */
  readonly histories: readonly RegularSeries[];
  readonly registryDir: string;
  /** Wall-clock time of this run (ms), recorded in the artefact and the decision. */
  readonly now: number;
  /** Horizon (steps) the models are trained and judged at; default one hour of steps. */
  readonly horizonSteps?: number;
  /** Most recent steps of each series held out for the promotion backtest; default two days. */
  readonly evaluationSteps?: number;
  /** Candidate model id; default the learned model. */
  readonly candidate?: string;
  /**
   * Also let Holt-Winters challenge (default true): when it beats the candidate on the promotion
   * window it becomes the challenger, so a learned model that loses to it is never promoted.
   */
  readonly holtWintersChallenges?: boolean;
  readonly mlp?: QuantileMlpOptions;
  readonly onProgress?: (event: {
    readonly stage: string;
    readonly done: number;
    readonly total: number;
  }) => void;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

export interface RetrainReport {
  readonly outcome: 'promoted' | 'kept';
  readonly reason: string;
  /** The challenger (candidate, or Holt-Winters when it scored better) as saved, promoted or not. */
  readonly candidate: ModelArtefact;
  /** Version serving after this run (undefined: none yet, baselines serve). */
  readonly servingVersion: string | undefined;
  readonly previousVersion: string | undefined;
  /** Every model's score on the same held-out targets, candidate first. */
  readonly scores: readonly ModelScore[];
  readonly evaluation: { readonly series: number; readonly targets: number; readonly horizonSteps: number };
  readonly notes: readonly string[];
}

const MAX_ORIGINS_PER_SERIES = 300;

/**
 * One retrain (issue 4 item 4; the `retrain` CLI and the daemon's cron call this with histories
 * read from the store): train the candidate on each series' history minus its most recent
 * `evaluationSteps`, backtest it walk-forward on that held-out tail together with Holt-Winters,
 * the daily and weekly seasonal naive (weekly only when every series holds two weeks) and the
 * currently promoted model, promote it only if it beats both the current model and the best
 * seasonal naive, then refit it on the full history and save it either way. Holt-Winters takes
 * the candidate's place as challenger when it scored better (a learned model must earn its keep).
 */
export async function retrain(options: RetrainOptions): Promise<RetrainReport> {
  const { histories, signal } = options;
  if (histories.length === 0) throw new HeadroomError('no_history', 'retrain: no series to learn from');
  const stepMs = histories[0]!.stepMs;
  if (histories.some((h) => h.stepMs !== stepMs))
    throw new HeadroomError('mixed_steps', 'retrain: series must share one step');
  const periods = seasonPeriods(stepMs);
  const horizon = options.horizonSteps ?? Math.max(1, Math.round(3_600_000 / stepMs));
  const evaluation = options.evaluationSteps ?? 2 * Math.max(periods.dailySteps, 24);
  const minTrain = 2 * Math.max(periods.dailySteps, 1);
  const usable = histories.filter((h) => h.values.length >= minTrain + evaluation);
  if (usable.length === 0) {
    throw new HeadroomError(
      'insufficient_history',
      `retrain needs ${minTrain + evaluation} steps of history in at least one series`,
    );
  }
  const notes: string[] = [];
  if (usable.length < histories.length)
    notes.push(`${histories.length - usable.length} series too short to use`);
  const progress = (stage: string, done: number, total: number): void =>
    options.onProgress?.({ stage, done, total });
  const candidateId = options.candidate ?? 'quantile-mlp';
  const factory = FORECASTERS[candidateId];
  if (!factory) throw new HeadroomError('unknown_model', `unknown model "${candidateId}"`);
  const ctx = { horizonSteps: horizon, mlp: options.mlp, logger: options.logger };

  const train = usable.map((h) => ({ ...h, values: h.values.subarray(0, h.values.length - evaluation) }));
  const targets = usable.map((h) => evaluationTargets(h.values.length, evaluation, horizon));
  const weeklyOk = periods.weeklySteps > 0 && train.every((h) => h.values.length >= periods.weeklySteps + 1);

  const registry = new ModelRegistry(options.registryDir);
  const previous = await registry.promoted();
  const rivals: { label: string; model: WalkForwardForecaster; version?: string }[] = [];
  const candidate = await factory(ctx);
  rivals.push({ label: candidateId, model: candidate });
  rivals.push({ label: 'holt-winters', model: await FORECASTERS['holt-winters']!(ctx) });
  rivals.push({ label: 'seasonal-naive-daily', model: await FORECASTERS['seasonal-naive-daily']!(ctx) });
  if (weeklyOk)
    rivals.push({ label: 'seasonal-naive-weekly', model: await FORECASTERS['seasonal-naive-weekly']!(ctx) });
  if (previous) {
    try {
      const art = await registry.artefact(previous.version);
      if (art.stepMs !== stepMs)
        throw new HeadroomError('step_mismatch', `current model works at ${art.stepMs} ms`);
      const current = await FORECASTERS[art.modelId]!(ctx);
      current.restore(await registry.snapshot(previous.version));
      rivals.push({ label: `current ${previous.version}`, model: current, version: previous.version });
    } catch (err) {
      notes.push(
        `current model ${previous.version} could not be evaluated (${(err as Error).message}); judged against baselines only`,
      );
    }
  }

  const scores: ModelScore[] = [];
  try {
    for (const [i, rival] of rivals.entries()) {
      signal?.throwIfAborted();
      progress(`backtest ${rival.label}`, i, rivals.length);
      if (!rival.version) await rival.model.fit(train, { signal });
      scores.push(await score(rival.model, usable, targets, rival.version));
    }
    progress('backtest', rivals.length, rivals.length);
    const challengers = [0];
    const hwIndex = rivals.findIndex((r, i) => i > 0 && r.label === 'holt-winters');
    if ((options.holtWintersChallenges ?? true) && hwIndex > 0 && candidateId !== 'holt-winters')
      challengers.push(hwIndex);
    const best = challengers.reduce((a, b) => (scores[b]!.wape < scores[a]!.wape ? b : a));
    if (best !== 0)
      notes.push(`holt-winters beat ${candidateId} on the promotion window and challenges instead`);
    const challenger = rivals[best]!.model;
    const candidateScore = scores[best]!;
    const naive = scores.filter((s) => s.modelId.startsWith('seasonal-naive'));
    const bestNaive = naive.reduce((a, b) => (b.wape < a.wape ? b : a));
    const currentScore = scores.find((s) => s.version !== undefined);
    const decision = decidePromotion(candidateScore, bestNaive, currentScore);

    progress('final fit', 0, 1);
    await challenger.fit(usable, { signal });
    progress('final fit', 1, 1);
    const fromMs = Math.min(...usable.map((h) => h.startMs));
    const toMs = Math.max(...usable.map((h) => h.startMs + (h.values.length - 1) * h.stepMs));
    const saved = await registry.save(
      {
        modelId: challenger.id,
        modelVersion: challenger.version,
        createdAtMs: options.now,
        backend: challenger.id === 'quantile-mlp' ? (tfBackendName() ?? 'unknown') : 'none',
        stepMs,
        horizonSteps: horizon,
        trainingWindow: { fromMs, toMs, series: usable.length },
        backtest: { scores, fromMs: toMs - (evaluation - 1) * stepMs, toMs },
        config: { evaluationSteps: evaluation, horizonSteps: horizon, mlp: options.mlp ?? {} },
      },
      challenger.snapshot(),
    );
    let serving = previous?.version;
    if (decision.outcome === 'promoted')
      serving = (await registry.promote(saved.version, decision.reason, options.now)).version;
    await registry.recordDecision({ atMs: options.now, candidate: saved.version, decision });
    return {
      outcome: decision.outcome,
      reason: decision.reason,
      candidate: saved,
      servingVersion: serving,
      previousVersion: previous?.version,
      scores,
      evaluation: { series: usable.length, targets: candidateScore.targets, horizonSteps: horizon },
      notes,
    };
  } finally {
    for (const r of rivals) r.model.dispose();
  }
}

/** Origins spread over the held-out tail so that each target lies inside it. */
function evaluationTargets(
  n: number,
  evaluation: number,
  horizon: number,
): { origins: Int32Array; horizons: Int32Array } {
  const first = n - evaluation - 1;
  const last = n - 1 - horizon;
  const count = Math.max(0, last - first + 1);
  const stride = Math.max(1, Math.ceil(count / MAX_ORIGINS_PER_SERIES));
  const origins: number[] = [];
  for (let o = first; o <= last; o += stride) origins.push(o);
  return { origins: Int32Array.from(origins), horizons: new Int32Array(origins.length).fill(horizon) };
}

async function score(
  model: WalkForwardForecaster,
  series: readonly RegularSeries[],
  targets: readonly { origins: Int32Array; horizons: Int32Array }[],
  version?: string,
): Promise<ModelScore> {
  let abs = 0;
  let tot = 0;
  let inside = 0;
  let n = 0;
  for (const [i, s] of series.entries()) {
    const t = targets[i]!;
    if (t.origins.length === 0) continue;
    const band = await model.forecastOrigins(s, t.origins, t.horizons);
    for (let k = 0; k < t.origins.length; k++) {
      const y = s.values[(t.origins[k] as number) + (t.horizons[k] as number)] as number;
      if (!Number.isFinite(y)) continue;
      abs += Math.abs(y - (band.p50[k] as number));
      tot += Math.abs(y);
      if ((band.p10[k] as number) <= y && y <= (band.p90[k] as number)) inside++;
      n++;
    }
  }
  return {
    modelId: model.id,
    ...(version ? { version } : {}),
    wape: tot > 0 ? abs / tot : abs === 0 ? 0 : Number.POSITIVE_INFINITY,
    coverage: n > 0 ? inside / n : 0,
    targets: n,
  };
}
