import { decodeNumber } from './snapshot-codec.js';

/**
 * Keeps one incident from paging many times. After an alert (a score at or above
 * `alertScore`), every score is held at 0 for `holdPoints` points; until `refractoryPoints`
 * have passed, only a score higher than the last alert's gets through (and becomes the new
 * alert). NAB rewards only the first detection in a window and charges for every later one
 * outside it, and an on-call engineer wants the same: one page per incident, another only if it
 * gets worse.
 */
export class AlertSuppressor {
  private sinceAlert = Number.MAX_SAFE_INTEGER;
  private lastAlertScore = 0;

  constructor(
    private readonly alertScore: number,
    private readonly holdPoints: number,
    private readonly refractoryPoints: number,
  ) {}

  /** Returns the score to emit for a point whose raw score is `score`. */
  filter(score: number): number {
    if (this.sinceAlert < Number.MAX_SAFE_INTEGER) this.sinceAlert++;
    if (this.sinceAlert <= this.holdPoints) return 0;
    if (this.sinceAlert <= this.refractoryPoints) {
      if (score <= this.lastAlertScore) return 0;
      this.raise(score);
      return score;
    }
    if (score >= this.alertScore) this.raise(score);
    return score;
  }

  private raise(score: number): void {
    this.lastAlertScore = score;
    this.sinceAlert = 0;
  }

  snapshot(): [number, number] {
    return [this.sinceAlert, this.lastAlertScore];
  }

  restore(state: unknown): void {
    const [since, last] = Array.isArray(state) ? state : [];
    this.sinceAlert = decodeNumber(since, 'suppressor.sinceAlert');
    this.lastAlertScore = decodeNumber(last, 'suppressor.lastAlertScore');
  }
}
