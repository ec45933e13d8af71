import express, { type Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import { SIGNALS } from '../../../core/signals.js';
import type { Store } from '../../../core/store.js';
import { ApiError } from '../api-error.js';
import { parseRequest } from '../validate.js';
import { tagFilterOf, tagFilterParams, timeParam } from './query-params.js';

export interface AnomaliesRouteDeps {
  store: Pick<Store, 'queryRecords'>;
  clock: Clock;
  /** Latest state of every watched series (warming up, anomalous now), when detection runs. */
  seriesStatus?: () => unknown[];
}

/**
 * GET /anomalies: anomaly records (score, observed vs expected, explanation), newest first.
 * GET /anomalies/series: every watched series with its latest score, and which are still
 * learning (a series with too little history says so instead of alarming).
 */
export function anomaliesRoutes(deps: AnomaliesRouteDeps): Router {
  const querySchema = z.strictObject({
    from: timeParam(deps.clock).optional(),
    to: timeParam(deps.clock).optional(),
    minScore: z.coerce.number().min(0).max(1).default(0),
    signal: z.enum(SIGNALS).optional(),
    limit: z.coerce.number().int().min(1).max(5_000).default(500),
    ...tagFilterParams,
  });
  const router = express.Router();
  router.get('/anomalies', async (req, res) => {
    const q = parseRequest(querySchema, req);
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
    res.json({ from, to, anomalies });
  });
  router.get('/anomalies/series', (_req, res) => {
    res.json({ series: deps.seriesStatus?.() ?? [] });
  });
  return router;
}
