/** The value a tag takes once its key has reached the cap. */
export const OTHER_VALUE = 'other';

/**
 * Bounds the distinct values of each tag key (per measurement): the first `maxValues` values
 * seen keep their identity; further ones fold into `other` until a tracked value has been unseen
 * for `ttlMs` and frees its place. Folds are counted per tag key.
 *
 * A value keeps its place for as long as it is seen, so an established series never changes
 * name because a burst of new values arrived.
 */
export class CardinalityLimiter {
  private readonly seen = new Map<string, Map<string, number>>();
  private readonly prunedAt = new Map<string, number>();
  /** Folds since start, by `<measurement>:<tag key>`. */
  readonly folds = new Map<string, number>();

  constructor(
    private readonly maxValues: number,
    private readonly ttlMs: number,
  ) {}

  /** `value`, or `other` when the cap for (measurement, key) is full. Empty values pass. */
  admit(measurement: string, key: string, value: string, nowMs: number): string {
    if (value === '' || value === OTHER_VALUE) return value;
    const scope = `${measurement}:${key}`;
    let values = this.seen.get(scope);
    if (!values) {
      values = new Map();
      this.seen.set(scope, values);
    }
    if (values.has(value)) {
      values.set(value, nowMs);
      return value;
    }
    if (values.size >= this.maxValues) this.prune(scope, values, nowMs);
    if (values.size >= this.maxValues) {
      this.countFold(scope);
      return OTHER_VALUE;
    }
    values.set(value, nowMs);
    return value;
  }

  /** Counts a fold decided elsewhere (e.g. the series cap). */
  countFold(scope: string): void {
    this.folds.set(scope, (this.folds.get(scope) ?? 0) + 1);
  }

  /** Distinct values tracked for (measurement, key). */
  size(measurement: string, key: string): number {
    return this.seen.get(`${measurement}:${key}`)?.size ?? 0;
  }

  private prune(scope: string, values: Map<string, number>, nowMs: number): void {
    // At most one sweep per tenth of the TTL per scope: a sweep is O(values).
    if (nowMs - (this.prunedAt.get(scope) ?? -Infinity) < this.ttlMs / 10) return;
    this.prunedAt.set(scope, nowMs);
    for (const [value, lastMs] of values) if (nowMs - lastMs > this.ttlMs) values.delete(value);
  }
}
