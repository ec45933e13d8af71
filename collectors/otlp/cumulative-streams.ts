/** A histogram data point in ms, as counts per explicit bucket (bounds.length + 1 counts). */
export interface BucketCounts {
  count: number;
  /** NaN when the point had no sum. */
  sumMs: number;
  /** Observations of exactly zero (exponential histograms). */
  zeroCount: number;
  boundsMs: number[];
  counts: number[];
  minMs?: number;
  maxMs?: number;
}

interface StreamState {
  startMs: number;
  timeMs: number;
  last: BucketCounts;
}

/** Most cumulative streams remembered; the least recently updated are forgotten first. */
const MAX_STREAMS = 100_000;

/**
 * Turns cumulative histogram points into deltas per stream (resource + metric + attributes),
 * like the Collector's cumulativetodelta processor:
 * - a known stream yields the difference to its previous point;
 * - a reset (new start time, or a count going down) or a new stream yields the whole point
 *   when the stream started while the receiver was listening (nothing of it can have been
 *   missed), otherwise it only sets the baseline;
 * - a change of bucket bounds sets a new baseline.
 */
export class CumulativeStreams {
  private readonly streams = new Map<string, StreamState>();

  constructor(private readonly listeningSinceMs: number) {}

  delta(key: string, startMs: number, timeMs: number, point: BucketCounts): BucketCounts | undefined {
    const state = this.streams.get(key);
    this.remember(key, { startMs, timeMs, last: point });
    if (state === undefined || state.startMs !== startMs || point.count < state.last.count) {
      const fresh =
        state === undefined
          ? startMs >= this.listeningSinceMs
          : startMs >= state.timeMs || startMs >= this.listeningSinceMs;
      return fresh ? point : undefined;
    }
    if (!sameBounds(state.last.boundsMs, point.boundsMs)) return undefined;
    const counts = point.counts.map((c, i) => c - (state.last.counts[i] ?? 0));
    if (counts.some((c) => c < 0)) return undefined;
    return {
      count: point.count - state.last.count,
      sumMs: point.sumMs - state.last.sumMs,
      zeroCount: point.zeroCount - state.last.zeroCount,
      boundsMs: point.boundsMs,
      counts,
      // The stream's min/max bound every value of the delta too.
      minMs: point.minMs,
      maxMs: point.maxMs,
    };
  }

  private remember(key: string, state: StreamState): void {
    this.streams.delete(key);
    if (this.streams.size >= MAX_STREAMS) {
      const oldest = this.streams.keys().next().value;
      if (oldest !== undefined) this.streams.delete(oldest);
    }
    this.streams.set(key, state);
  }
}

function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
