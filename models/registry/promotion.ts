/** Backtest errors of one model on the promotion window (same targets for every model). */
export interface ModelScore {
  readonly modelId: string;
  /** Registry version, for models that have one. */
  readonly version?: string;
  readonly wape: number;
  readonly coverage: number;
  readonly targets: number;
}

export interface PromotionDecision {
  readonly outcome: 'promoted' | 'kept';
  /** A sentence for people (CLI output, API, logs). */
  readonly reason: string;
}

/**
 * The promotion rule (issue 4, DESIGN.md "Models"): a candidate replaces the current model only
 * when its walk-forward WAPE on recent history is lower than BOTH the current model's (measured
 * on the same targets now, not its old score) and the best seasonal-naive baseline's. A
 * non-finite score never wins. Ties keep the current model (no churn for nothing).
 */
export function decidePromotion(
  candidate: ModelScore,
  bestNaive: ModelScore,
  current?: ModelScore,
): PromotionDecision {
  const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
  if (!Number.isFinite(candidate.wape)) {
    return { outcome: 'kept', reason: `${candidate.modelId} produced no usable backtest score` };
  }
  if (!(candidate.wape < bestNaive.wape)) {
    return {
      outcome: 'kept',
      reason: `${candidate.modelId} WAPE ${pct(candidate.wape)} does not beat ${bestNaive.modelId} ${pct(bestNaive.wape)}`,
    };
  }
  if (current && !(candidate.wape < current.wape)) {
    return {
      outcome: 'kept',
      reason: `${candidate.modelId} WAPE ${pct(candidate.wape)} does not beat the current model ${current.version ?? current.modelId} ${pct(current.wape)}`,
    };
  }
  return {
    outcome: 'promoted',
    reason:
      `${candidate.modelId} WAPE ${pct(candidate.wape)} beats ${bestNaive.modelId} ${pct(bestNaive.wape)}` +
      (current
        ? ` and the current model ${current.version ?? current.modelId} ${pct(current.wape)}`
        : ' (no model was promoted before)'),
  };
}
