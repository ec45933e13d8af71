/** A past raw recommendation with the time it was made. */
export interface TimedRecommendation {
  readonly timeMs: number;
  readonly value: number;
}

/** Result of stabilising a numeric recommendation; `value` is what the windows allow now. */
export interface Stabilised {
  readonly value: number;
  /** The window that held the recommendation back, when one did. */
  readonly heldBy?: 'up' | 'down';
}

/**
 * Kubernetes HPA `stabilizeRecommendationWithBehaviors`, for any numeric control: a move up is
 * allowed only to the lowest recommendation seen within the up window (so every recommendation
 * in that window must have asked for at least that much), a move down only to the highest
 * recommendation within the down window (so the value falls only after the whole window asked
 * for less). A window of 0 s looks at the new recommendation alone. Entries at or before
 * `nowMs − window` are outside it.
 */
export function stabiliseRecommendation(
  recommendation: number,
  current: number,
  nowMs: number,
  past: readonly TimedRecommendation[],
  windows: { upSeconds: number; downSeconds: number },
): Stabilised {
  let upBound = recommendation;
  let downBound = recommendation;
  const upFromMs = nowMs - windows.upSeconds * 1000;
  const downFromMs = nowMs - windows.downSeconds * 1000;
  for (const entry of past) {
    if (entry.timeMs > nowMs) continue;
    if (entry.timeMs > upFromMs) upBound = Math.min(upBound, entry.value);
    if (entry.timeMs > downFromMs) downBound = Math.max(downBound, entry.value);
  }
  if (recommendation > current) {
    const value = Math.max(current, upBound);
    return value < recommendation ? { value, heldBy: 'up' } : { value };
  }
  if (recommendation < current) {
    const value = Math.min(current, downBound);
    return value > recommendation ? { value, heldBy: 'down' } : { value };
  }
  return { value: current };
}
