/** One input point of a streaming detector. */
export interface DetectorInput {
  readonly timeMs: number;
  /** May be NaN (a gap); detectors must not let it poison their state. */
  readonly value: number;
}

/** Why a point got its score: what was expected against what was observed. */
export interface DetectorExplanation {
  readonly observed: number;
  readonly expected?: number;
  readonly lower?: number;
  readonly upper?: number;
  /** Which component of the detector produced the score (e.g. "seasonal-z", "cusum"). */
  readonly component: string;
  /** True while the detector is still learning what normal looks like; the score is then 0. */
  readonly warmingUp?: boolean;
  /**
   * True when the point is anomalous but its score was held at 0 because the detector already
   * alerted on the same incident (one page per incident).
   */
  readonly suppressed?: boolean;
  /** One readable sentence for people, given when the point is anomalous. */
  readonly detail?: string;
}

export interface DetectorResult {
  /** Anomaly score in [0, 1]. */
  readonly score: number;
  readonly explanation: DetectorExplanation;
}

/** JSON-serialisable detector state. */
export type DetectorSnapshot = { readonly detectorId: string; readonly version: number } & Record<
  string,
  unknown
>;

/**
 * A streaming anomaly detector for one series (DESIGN.md "Models"). `update` receives points one
 * at a time in time order and may use only what it has seen: the score of a point never
 * depends on later points. Deterministic for a given input (fixed seeds). State is bounded
 * (constant memory per series). `restore(snapshot())` yields a detector that scores the rest of
 * the stream exactly as the original would have.
 */
export interface Detector {
  readonly id: string;
  update(point: DetectorInput): DetectorResult;
  snapshot(): DetectorSnapshot;
  restore(snapshot: DetectorSnapshot): void;
}
