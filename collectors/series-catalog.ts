import type { Measurement } from '../core/rollup.js';
import { normalizeTags } from '../core/tags.js';
import { getMeter } from '../core/telemetry.js';
import { CardinalityLimiter, OTHER_VALUE } from './cardinality-limiter.js';
import type { RollupConfig } from './rollup-config.js';
import { SeriesAccumulator, type RollupInterval } from './rollup-interval.js';

/** Rollup tag keys in the order the rollup passes their values. */
export const TAG_KEYS = ['service', 'provider', 'endpoint', 'method', 'region', 'status_class'] as const;

/**
 * Creates the series of an interval for tag values seen for the first time in it, applying the
 * cardinality caps: each value passes the per-key cap (`maxValuesPerTag`), and past
 * `maxSeriesPerInterval` series every value folds into `other`. The raw values are indexed as an
 * alias of the capped series, so later calls with them find it directly; aliases stop being
 * recorded when a flood of new values would make the index grow without bound.
 */
export class SeriesCatalog {
  private readonly limiter: CardinalityLimiter;
  private readonly folded;

  constructor(
    private readonly config: RollupConfig,
    private readonly collector: string,
  ) {
    this.limiter = new CardinalityLimiter(config.maxValuesPerTag, config.tagValueTtlMs);
    this.folded = getMeter().createCounter('headroom_rollup_folded', {
      description: 'Tag values folded into "other" by the cardinality caps, by measurement and tag key',
    });
  }

  create(
    interval: RollupInterval,
    measurement: Measurement,
    raw: string[],
    nowMs: number,
  ): SeriesAccumulator {
    const values = raw.map((v, i) => (v.length > 0 ? this.admit(measurement, TAG_KEYS[i]!, v, nowMs) : v));
    if (interval.seriesPerMeasurement[measurement] >= this.config.maxSeriesPerInterval) {
      for (let i = 0; i < values.length; i++) if (values[i] !== '') values[i] = OTHER_VALUE;
      this.limiter.countFold(`${measurement}:series`);
      this.folded.add(1, { collector: this.collector, measurement, tag: 'series' });
    }
    const [a, b, c, d, e, f] = values as [string, string, string, string, string, string];
    let series = interval.index.get(measurement, a, b, c, d, e, f);
    if (series === undefined) {
      const tags: Record<string, string> = { collector: this.collector };
      for (let i = 0; i < TAG_KEYS.length; i++) tags[TAG_KEYS[i]!] = values[i]!;
      series = new SeriesAccumulator(measurement, Object.freeze(normalizeTags(tags)));
      interval.series.push(series);
      interval.seriesPerMeasurement[measurement]++;
      interval.index.set(measurement, a, b, c, d, e, f, series);
    }
    const folded = values.some((v, i) => v !== raw[i]);
    if (folded && interval.index.size < this.config.maxSeriesPerInterval * 4) {
      const [ra, rb, rc, rd, re, rf] = raw as [string, string, string, string, string, string];
      interval.index.set(measurement, ra, rb, rc, rd, re, rf, series);
    }
    return series;
  }

  /** Folds since start, by `<measurement>:<tag key>`. */
  folds(): Record<string, number> {
    return Object.fromEntries(this.limiter.folds);
  }

  distinctValues(measurement: Measurement, key: string): number {
    return this.limiter.size(measurement, key);
  }

  private admit(measurement: Measurement, key: string, value: string, nowMs: number): string {
    const admitted = this.limiter.admit(measurement, key, value, nowMs);
    if (admitted !== value) this.folded.add(1, { collector: this.collector, measurement, tag: key });
    return admitted;
  }
}
