import express, { type Router } from 'express';
import { z } from 'zod';
import type { StoredRecord } from '../../../core/store.js';
import type { TagFilter } from '../../../core/tags.js';
import { parseRequest } from '../validate.js';
import { parseDurationMs, tagFilterOf, tagFilterParams } from './query-params.js';

export interface ForecastsRouteDeps {
  /** Latest forecast per series (from memory). */
  latest(where?: TagFilter): StoredRecord<'forecast'>[];
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
  /** How far ahead to return (default: everything the forecast holds). */
  horizon: horizonParam.optional(),
  ...tagFilterParams,
});

/**
 * GET /forecasts: the latest p10/p50/p90 forecast of each matching series, the model that made
 * it, its backtest error, and why a fallback was used when one was. Served from memory.
 */
export function forecastsRoutes(deps: ForecastsRouteDeps): Router {
  const router = express.Router();
  router.get('/forecasts', (req, res) => {
    const q = parseRequest(forecastsQuerySchema, req);
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
    res.json({ forecasts });
  });
  return router;
}
