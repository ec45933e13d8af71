import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import { MEASUREMENTS, type Measurement } from '../../../core/rollup.js';
import type { Store } from '../../../core/store.js';
import { seriesKey, withoutTags, type Tags } from '../../../core/tags.js';
import { defineRoute, type ApiRoutes } from '../api-route.js';
import { tagFilterOf, tagFilterParams, timeParam } from './query-params.js';

export interface SeriesRouteDeps {
  store: Store;
  clock: Clock;
}

interface SeriesEntry {
  measurement: Measurement;
  tags: Tags;
  /** With `replicas=merge`: the collector instances that wrote this logical series. */
  collectors?: string[];
}

const seriesResponseSchema = z.object({
  series: z.array(
    z.object({
      measurement: z.enum(MEASUREMENTS),
      tags: z.record(z.string(), z.string()),
      collectors: z
        .array(z.string())
        .optional()
        .meta({ description: 'With replicas=merge: the collector instances that wrote this series.' }),
    }),
  ),
  truncated: z.boolean().meta({ description: 'True when more stored series matched than `limit`.' }),
});

/**
 * `GET /series?measurement=api_calls&provider=stripe&from=now-1h&limit=1000&replicas=merge` →
 * `{ series: [{ measurement, tags, collectors }], truncated }`.
 *
 * By default (`replicas=merge`) series that differ only in `collector` are one logical series
 * (what signals merge anyway), listed once with the collectors that wrote it; `replicas=separate`
 * lists each stored series with its `collector` tag. `limit` (default 1,000, at most 10,000)
 * bounds the stored series read; `truncated` says when there were more.
 */
export function mountSeriesRoutes(api: ApiRoutes, deps: SeriesRouteDeps): void {
  const query = z.strictObject({
    measurement: z.enum(MEASUREMENTS).optional(),
    from: timeParam(deps.clock)
      .optional()
      .meta({ description: 'Only series written since (epoch ms, ISO 8601 or now-1h).' }),
    limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
    replicas: z
      .enum(['merge', 'separate'])
      .default('merge')
      .meta({ description: 'merge: one entry per logical series; separate: one per collector.' }),
    ...tagFilterParams,
  });
  defineRoute(api, {
    method: 'get',
    path: '/series',
    tags: ['telemetry'],
    auth: 'read',
    summary: 'The stored series (measurement and tags) matching a filter',
    description:
      'Series that differ only in `collector` are listed once with the collectors that wrote ' +
      'them (replicas=merge), or each on its own (replicas=separate).',
    query,
    response: { description: 'Matching series, sorted.', schema: seriesResponseSchema },
    examples: {
      request: { query: { measurement: 'api_calls', provider: 'stripe', from: 'now-1h' } },
      response: {
        series: [
          {
            measurement: 'api_calls',
            tags: {
              endpoint: '/v1/charges',
              method: 'POST',
              provider: 'stripe',
              service: 'checkout',
              status_class: '2xx',
            },
            collectors: ['otlp:node-a'],
          },
        ],
        truncated: false,
      },
    },
    handler: async ({ query: params }) => {
      const found = await deps.store.listSeries({
        ...(params.measurement ? { measurement: params.measurement } : {}),
        ...(params.from !== undefined ? { from: params.from } : {}),
        where: tagFilterOf(params),
        limit: params.limit + 1,
      });
      const truncated = found.length > params.limit;
      const stored = found.slice(0, params.limit);
      let series: SeriesEntry[];
      if (params.replicas === 'separate') {
        series = stored.map((s) => ({ measurement: s.measurement, tags: s.tags }));
      } else {
        const merged = new Map<string, SeriesEntry & { collectors: string[] }>();
        for (const s of stored) {
          const tags = withoutTags(s.tags, ['collector']);
          const key = seriesKey(s.measurement, tags);
          let entry = merged.get(key);
          if (!entry) merged.set(key, (entry = { measurement: s.measurement, tags, collectors: [] }));
          const collector = s.tags.collector;
          if (collector !== undefined && !entry.collectors.includes(collector))
            entry.collectors.push(collector);
        }
        series = [...merged.values()];
      }
      series.sort((a, b) => seriesKey(a.measurement, a.tags).localeCompare(seriesKey(b.measurement, b.tags)));
      return { series, truncated };
    },
  });
}
