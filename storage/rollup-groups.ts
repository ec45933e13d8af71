import { accumulate, emptyAggregate, type RollupAggregate } from '../core/rollup.js';
import type { RollupSeries } from '../core/store.js';
import type { Tags } from '../core/tags.js';

/**
 * Collects per-step aggregates into groups and returns them in the order both stores promise:
 * groups sorted by their tag values (keys in sorted order), points ascending by time. Adding two
 * aggregates for the same group and step merges them (counts and buckets add, max takes max).
 */
export class RollupGroups {
  private readonly groups = new Map<string, { tags: Tags; steps: Map<number, RollupAggregate> }>();

  /** The group for `tags` (only non-empty values count); create on first use. */
  group(tags: Tags): Map<number, RollupAggregate> {
    const clean: Record<string, string> = {};
    for (const key of Object.keys(tags).sort()) {
      const value = tags[key];
      if (value !== undefined && value !== '') clean[key] = value;
    }
    const key = JSON.stringify(clean);
    let group = this.groups.get(key);
    if (!group) {
      group = { tags: clean, steps: new Map() };
      this.groups.set(key, group);
    }
    return group.steps;
  }

  add(steps: Map<number, RollupAggregate>, agg: RollupAggregate): void {
    const have = steps.get(agg.timeMs);
    if (have) accumulate(have, agg);
    else steps.set(agg.timeMs, agg);
  }

  /** Adds fields into the step of `timeMs`, creating it. */
  step(steps: Map<number, RollupAggregate>, timeMs: number): RollupAggregate {
    let agg = steps.get(timeMs);
    if (!agg) {
      agg = emptyAggregate(timeMs);
      steps.set(timeMs, agg);
    }
    return agg;
  }

  result(): RollupSeries[] {
    return [...this.groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .filter(([, g]) => g.steps.size > 0)
      .map(([, g]) => ({ tags: g.tags, points: [...g.steps.values()].sort((a, b) => a.timeMs - b.timeMs) }));
  }
}
