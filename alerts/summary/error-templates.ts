import type { Counter } from '@opentelemetry/api';
import type { Clock } from '../../core/clock.js';
import type { ErrorSample, ErrorSampleSink } from '../../core/error-samples.js';
import { matchesFilter, type TagFilter, type Tags } from '../../core/tags.js';
import { getMeter } from '../../core/telemetry.js';
import type { ErrorTemplatesConfig } from '../config.js';
import { DrainMiner } from './drain.js';

/** One template's part of the errors in a window. */
export interface ErrorTemplateShare {
  readonly template: string;
  readonly count: number;
  /** count / sampleCount × 100. */
  readonly sharePercent: number;
}

export interface ErrorTemplateSummary {
  /** Error samples in the window matching the filter. */
  readonly sampleCount: number;
  /** Most frequent first. */
  readonly templates: readonly ErrorTemplateShare[];
}

/**
 * The alerts side of core/error-samples.ts: collectors publish error texts, this mines them
 * into templates (Drain) and remembers the last `maxSamples` (time, tags, template) in a ring,
 * so an incident can name the top templates of its scope and window. `publish` is O(tokens),
 * never throws, and drops beyond `maxSamplesPerSecond` (counted). Memory is bounded by
 * `maxTemplates` and `maxSamples`.
 */
export class ErrorTemplateCollector implements ErrorSampleSink {
  private readonly miner: DrainMiner;
  private readonly times: Float64Array;
  private readonly tags: (Tags | undefined)[];
  private readonly templateIds: Int32Array;
  private next = 0;
  private filled = 0;
  private windowSecond = -1;
  private inWindow = 0;
  private accepted = 0;
  private dropped = 0;
  private readonly samples: Counter;

  constructor(
    private readonly config: ErrorTemplatesConfig,
    private readonly clock: Clock,
  ) {
    this.miner = new DrainMiner({
      depth: config.depth,
      similarity: config.similarity,
      maxChildren: config.maxChildren,
      maxTemplates: config.maxTemplates,
    });
    this.times = new Float64Array(config.maxSamples);
    this.tags = new Array<Tags | undefined>(config.maxSamples);
    this.templateIds = new Int32Array(config.maxSamples);
    this.samples = getMeter().createCounter('headroom_alerts_error_samples', {
      description: 'Error samples offered to the template miner, by outcome (accepted, dropped)',
    });
  }

  publish(sample: ErrorSample): void {
    try {
      const second = Math.floor(this.clock.now() / 1000);
      if (second !== this.windowSecond) {
        this.windowSecond = second;
        this.inWindow = 0;
      }
      if (this.inWindow >= this.config.maxSamplesPerSecond || typeof sample.message !== 'string') {
        this.dropped += 1;
        this.samples.add(1, { outcome: 'dropped' });
        return;
      }
      this.inWindow += 1;
      const template = this.miner.add(sample.message);
      this.times[this.next] = sample.timeMs;
      this.tags[this.next] = sample.tags;
      this.templateIds[this.next] = template.id;
      this.next = (this.next + 1) % this.config.maxSamples;
      this.filled = Math.min(this.filled + 1, this.config.maxSamples);
      this.accepted += 1;
      this.samples.add(1, { outcome: 'accepted' });
    } catch {
      // publish must never throw into a collector's hot path.
      this.dropped += 1;
    }
  }

  /** Top templates among samples in [fromMs, toMs) whose tags match `where`. */
  top(where: TagFilter, fromMs: number, toMs: number, limit = 3): ErrorTemplateSummary {
    const counts = new Map<number, number>();
    let sampleCount = 0;
    for (let i = 0; i < this.filled; i++) {
      const t = this.times[i]!;
      if (t < fromMs || t >= toMs || !matchesFilter(this.tags[i] ?? {}, where)) continue;
      sampleCount += 1;
      const id = this.templateIds[i]!;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    // Two clusters can end up with the same template text (different parse-tree leaves).
    const byText = new Map<string, number>();
    for (const [id, count] of counts) {
      const template = this.miner.template(id);
      if (template) byText.set(template.template, (byText.get(template.template) ?? 0) + count);
    }
    const templates: ErrorTemplateShare[] = [...byText].map(([template, count]) => ({
      template,
      count,
      sharePercent: (count / sampleCount) * 100,
    }));
    templates.sort((a, b) => b.count - a.count || a.template.localeCompare(b.template));
    return { sampleCount, templates: templates.slice(0, limit) };
  }

  stats(): { accepted: number; dropped: number; templates: number; evictedTemplates: number } {
    return {
      accepted: this.accepted,
      dropped: this.dropped,
      templates: this.miner.size,
      evictedTemplates: this.miner.evictedCount,
    };
  }
}
