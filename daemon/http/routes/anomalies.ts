import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import { MEASUREMENTS } from '../../../core/rollup.js';
import { anomalyBodySchema } from '../../../core/records/anomaly.js';
import { SIGNALS } from '../../../core/signals.js';
import type { Store } from '../../../core/store.js';
import { ApiError } from '../api-error.js';
import { defineRoute, type ApiRoutes } from '../api-route.js';
import { tagFilterOf, tagFilterParams, timeParam } from './query-params.js';

export interface AnomaliesRouteDeps {
  store: Pick<Store, 'queryRecords'>;
  clock: Clock;
  seriesStatus?: () => unknown[];
}

const anomalySchema = z
  .object({
    id: z.string(),
    timeMs: z.number().int(),
    time: z.string().meta({ description: 'timeMs as ISO 8601.' }),
    tags: z.record(z.string(), z.string()),
    ...anomalyBodySchema.shape,
  })
  .meta({ id: 'Anomaly' });

const anomaliesResponseSchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  anomalies: z.array(anomalySchema),
});

const seriesStatusSchema = z.object({
  series: z.array(
    z.object({
      measurement: z.enum(MEASUREMENTS),
      signal: z.enum(SIGNALS),
      tags: z.record(z.string(), z.string()),
      timeMs: z.number().int().meta({ description: 'The latest step scored.' }),
      value: z.number(),
      score: z.number(),
      expected: z
        .number()
        .optional()
        .meta({ description: 'What the detector considered normal, when it says.' }),
      anomalous: z.boolean(),
      warmingUp: z
        .boolean()
        .meta({ description: 'Too little history to judge yet: the series says so instead of alarming.' }),
      explanation: z.string(),
    }),
  ),
});

/**
 * GET /anomalies: anomaly records (score, observed vs expected, explanation), newest first.
 * GET /anomalies/series: every watched series' latest score, including those still warming up
 * (a series with too little history says so instead of alarming).
 */
export function mountAnomaliesRoutes(api: ApiRoutes, deps: AnomaliesRouteDeps): void {
  const querySchema = z.strictObject({
    from: timeParam(deps.clock)
      .optional()
      .meta({ description: 'Start: epoch ms, ISO 8601 or now-1h (default: `to` minus 1 h).' }),
    to: timeParam(deps.clock).optional().meta({ description: 'End (exclusive; default: now).' }),
    minScore: z.coerce.number().min(0).max(1).default(0),
    signal: z.enum(SIGNALS).optional(),
    limit: z.coerce.number().int().min(1).max(5_000).default(500),
    ...tagFilterParams,
  });
  defineRoute(api, {
    method: 'get',
    path: '/anomalies',
    tags: ['anomalies'],
    auth: 'read',
    summary: 'Anomalies (score, observed vs expected, explanation), newest first',
    query: querySchema,
    response: { description: 'Anomalies in [from, to).', schema: anomaliesResponseSchema },
    examples: {
      request: { query: { provider: 'stripe', from: 'now-1h', minScore: '0.9' } },
      response: {
        from: 1767618000000,
        to: 1767621600001,
        anomalies: [
          {
            id: '3f9a2c41d07be815-1767621240000',
            timeMs: 1767621240000,
            time: '2026-01-05T13:54:00.000Z',
            tags: { provider: 'stripe', signal: 'latency_p95_ms' },
            signal: 'latency_p95_ms',
            measurement: 'api_calls',
            score: 0.97,
            observed: 687,
            expected: 212,
            lower: 160,
            upper: 265,
            detector: 'novelty',
            component: 'mean-shift',
            explanation: 'p95 latency 687 ms (expected 160 ms–265 ms)',
          },
        ],
      },
    },
    handler: async ({ query: q }) => {
      const to = q.to ?? deps.clock.now() + 1;
      const from = q.from ?? to - 3_600_000;
      if (from >= to)
        throw new ApiError(400, 'invalid_parameter', 'parameter "from": must be before "to"', 'from');
      const where: Record<string, string | readonly string[]> = tagFilterOf(q);
      if (q.signal) where.signal = q.signal;
      // Filter by score after reading; ask for more so that `limit` is met when most pass.
      const records = await deps.store.queryRecords({
        kind: 'anomaly',
        from,
        to,
        where,
        order: 'desc',
        limit: q.limit * (q.minScore > 0 ? 4 : 1),
      });
      const anomalies = records
        .filter((r) => r.body.score >= q.minScore)
        .slice(0, q.limit)
        .map((r) => ({
          id: r.id,
          timeMs: r.timeMs,
          time: new Date(r.timeMs).toISOString(),
          tags: r.tags,
          ...r.body,
        }));
      return { from, to, anomalies };
    },
  });
  defineRoute(api, {
    method: 'get',
    path: '/anomalies/series',
    tags: ['anomalies'],
    auth: 'read',
    summary: "Every watched series' latest score, including those still warming up",
    response: { description: 'Latest score per watched series.', schema: seriesStatusSchema },
    examples: {
      response: {
        series: [
          {
            measurement: 'api_calls',
            signal: 'latency_p95_ms',
            tags: { provider: 'stripe' },
            timeMs: 1767621540000,
            value: 214,
            score: 0.12,
            expected: 205,
            anomalous: false,
            warmingUp: false,
            explanation: 'p95 latency 214 ms (expected 160 ms–265 ms)',
          },
        ],
      },
    },
    handler: () => ({ series: deps.seriesStatus?.() ?? [] }),
  });
}
