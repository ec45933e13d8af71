import type { Measurement } from '../../core/rollup.js';
import { matchesFilter, type TagFilter, type Tags } from '../../core/tags.js';

export interface IndexedSeries {
  readonly id: number;
  readonly measurement: Measurement;
  readonly tags: Tags;
  readonly sortKey: string;
  lastMs: number;
}

/**
 * The embedded store's series, in memory, with an inverted index (tag key → value → series), so
 * a filtered query looks at the series of its most selective filter key instead of all of them.
 */
export class SeriesIndex<S extends IndexedSeries> {
  private readonly byKey = new Map<string, S>();
  private readonly byTag = new Map<string, Map<string, Set<S>>>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): S | undefined {
    return this.byKey.get(key);
  }

  values(): IterableIterator<S> {
    return this.byKey.values();
  }

  add(key: string, series: S): void {
    this.byKey.set(key, series);
    for (const [k, v] of Object.entries(series.tags)) {
      let values = this.byTag.get(k);
      if (!values) this.byTag.set(k, (values = new Map()));
      let set = values.get(v);
      if (!set) values.set(v, (set = new Set()));
      set.add(series);
    }
  }

  delete(key: string): void {
    const series = this.byKey.get(key);
    if (!series) return;
    this.byKey.delete(key);
    for (const [k, v] of Object.entries(series.tags)) {
      const values = this.byTag.get(k);
      const set = values?.get(v);
      set?.delete(series);
      if (set?.size === 0) values?.delete(v);
    }
  }

  /** Series of `measurement` (any when undefined) matching `filter`. */
  *matching(measurement: Measurement | undefined, filter: TagFilter | undefined): Generator<S> {
    let candidates: Iterable<S> = this.byKey.values();
    let smallest = Infinity;
    for (const [k, want] of Object.entries(filter ?? {})) {
      const values = this.byTag.get(k);
      const sets = (typeof want === 'string' ? [want] : want).flatMap((v) => {
        const set = values?.get(v);
        return set ? [set] : [];
      });
      const size = sets.reduce((n, s) => n + s.size, 0);
      if (size < smallest) {
        smallest = size;
        candidates = sets.length === 1 ? (sets[0] as Set<S>) : sets.flatMap((s) => [...s]);
      }
    }
    for (const s of candidates) {
      if ((measurement === undefined || s.measurement === measurement) && matchesFilter(s.tags, filter))
        yield s;
    }
  }
}
