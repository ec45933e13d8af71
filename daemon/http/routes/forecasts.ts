import { z } from 'zod';
import type { StoredRecord } from '../../../core/store.js';
import type { TagFilter } from '../../../core/tags.js';
import { defineRoute, type ApiRoutes } from '../api-route.js';
import { ResponseCache } from '../response-cache.js';
import { parseDurationMs, tagFilterOf, tagFilterParams } from './query-params.js';

export interface ForecastsRouteDeps {
  /** Latest forecast per series (from memory). */
  latest(where?: TagFilter): StoredRecord<'forecast'>[];
  /** Changes whenever `latest` would answer differently. */
  revision(): number;
}

const horizonParam = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30m, 2h or 1d' });
    return z.NEVER;
  }
  return ms;
});

export const forecastsQuerySchema = z.strictObject({
  signal: z.enum(['request_rate']).default('request_rate'),
  measurement: z.enum(['api_calls', 'inbound']).optional(),
  horizon: horizonParam
    .optional()
    .meta({ description: 'How far ahead to return, e.g. 30m or 2h (default: all the forecast holds).' }),
  ...tagFilterParams,
});

const forecastSchema = z
  .object({
    tags: z.record(z.string(), z.string()),
    signal: z.string(),
    measurement: z.string(),
    issuedMs: z.number().int().meta({ description: 'When the forecast was made (epoch ms).' }),
    stepMs: z.number().int().positive(),
    model: z.object({ id: z.string(), version: z.string() }),
    backtest: z
      .record(z.string(), z.number())
      .optional()
      .meta({ description: "The model's backtest error (walk-forward WAPE etc.)." }),
    note: z.string().optional().meta({ description: 'Why a fallback model made it, when one did.' }),
    points: z.array(z.object({ t: z.number().int(), p10: z.number(), p50: z.number(), p90: z.number() })),
  })
  .meta({ id: 'Forecast' });

export const forecastsResponseSchema = z.object({ forecasts: z.array(forecastSchema) });

/** GET /forecasts (forecasting module). */
export function mountForecastsRoutes(api: ApiRoutes, deps: ForecastsRouteDeps): void {
  // Dashboards poll the same few queries while forecasts change once per run: each answer is
  // serialised once per query and forecast revision (bench/api measures the difference).
  const cache = new ResponseCache();
  defineRoute(api, {
    method: 'get',
    path: '/forecasts',
    tags: ['forecasts'],
    auth: 'read',
    summary: 'Latest p10/p50/p90 forecast of each matching series',
    description:
      'The latest forecast of each matching series, the model that made it, its backtest error, ' +
      'and why a fallback was used when one was. Served from memory.',
    query: forecastsQuerySchema,
    response: { description: 'One forecast per matching series.', schema: forecastsResponseSchema },
    examples: {
      request: { query: { provider: 'stripe', horizon: '3m' } },
      response: {
        forecasts: [
          {
            tags: { provider: 'stripe' },
            signal: 'request_rate',
            measurement: 'api_calls',
            issuedMs: 1767621600000,
            stepMs: 60000,
            model: { id: 'quantile-mlp', version: '20260105T031700Z-quantile-mlp' },
            backtest: { wape: 0.081 },
            points: [
              { t: 1767621600000, p10: 41.2, p50: 45.9, p90: 51.3 },
              { t: 1767621660000, p10: 41.8, p50: 46.4, p90: 52 },
              { t: 1767621720000, p10: 42.1, p50: 46.9, p90: 52.8 },
            ],
          },
        ],
      },
    },
    handler: ({ query: q }) => cache.get(deps.revision(), JSON.stringify(q), () => forecastsOf(deps, q)),
  });
}

/** The response body: each matching series' latest forecast, cut to the horizon. */
function forecastsOf(
  deps: ForecastsRouteDeps,
  q: z.output<typeof forecastsQuerySchema>,
): z.input<typeof forecastsResponseSchema> {
  const where: Record<string, string | readonly string[]> = { ...tagFilterOf(q), signal: q.signal };
  if (q.measurement) where.measurement = q.measurement;
  const forecasts = deps.latest(where).map((record) => {
    const f = record.body;
    const steps =
      q.horizon === undefined ? f.p50.length : Math.min(f.p50.length, Math.ceil(q.horizon / f.stepMs));
    const points = [];
    for (let i = 0; i < steps; i++) {
      points.push({ t: f.startMs + i * f.stepMs, p10: f.p10[i]!, p50: f.p50[i]!, p90: f.p90[i]! });
    }
    const { signal: _signal, measurement: _m, ...tags } = record.tags;
    return {
      tags,
      signal: f.signal,
      measurement: f.measurement,
      issuedMs: record.timeMs,
      stepMs: f.stepMs,
      model: f.model,
      ...(f.backtest ? { backtest: f.backtest } : {}),
      ...(f.note ? { note: f.note } : {}),
      points,
    };
  });
  return { forecasts };
}
