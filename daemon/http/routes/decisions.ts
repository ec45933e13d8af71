import express, { type Router } from 'express';
import { z } from 'zod';
import { DECISION_OUTCOMES } from '../../../core/records/decision.js';
import type { Store } from '../../../core/store.js';
import { ApiError } from '../api-error.js';
import { parseRequest } from '../validate.js';
import { apiTimeSchema } from './api-time.js';

const tagValue = z.string().min(1).max(200);

const querySchema = z.strictObject({
  /** Inclusive lower bound (epoch ms or ISO 8601). */
  from: apiTimeSchema.optional(),
  /** Exclusive upper bound (epoch ms or ISO 8601). */
  to: apiTimeSchema.optional(),
  target: tagValue.optional(),
  policy: tagValue.optional(),
  outcome: z.enum(DECISION_OUTCOMES).optional(),
  control: tagValue.optional(),
  service: tagValue.optional(),
  provider: tagValue.optional(),
  endpoint: tagValue.optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

export interface DecisionsRouteDeps {
  store: Pick<Store, 'queryRecords'>;
}

/**
 * GET /decisions: the audit log of actuation decisions (records of kind `decision`), newest
 * first, filtered by time range and by target, policy, outcome, control or subject tags.
 */
export function decisionsRouter(deps: DecisionsRouteDeps): Router {
  const router = express.Router();
  router.get('/decisions', async (req, res) => {
    const q = parseRequest(querySchema, req);
    if (q.from !== undefined && q.to !== undefined && q.from >= q.to) {
      throw new ApiError(400, 'invalid_parameter', 'parameter "from": must be before "to"', 'from');
    }
    const where: Record<string, string> = {};
    for (const key of ['target', 'policy', 'control', 'service', 'provider', 'endpoint'] as const) {
      const value = q[key];
      if (value !== undefined) where[key] = value;
    }
    // `outcome` is not a tag (it changes when an apply completes): filter after reading.
    const records = (
      await deps.store.queryRecords({
        kind: 'decision',
        ...(q.from !== undefined ? { from: q.from } : {}),
        ...(q.to !== undefined ? { to: q.to } : {}),
        where,
        order: q.order,
        limit: q.outcome ? Math.min(10_000, q.limit * 10) : q.limit,
      })
    )
      .filter((r) => q.outcome === undefined || r.body.outcome === q.outcome)
      .slice(0, q.limit);
    res.json({
      decisions: records.map((r) => ({
        id: r.id,
        timeMs: r.timeMs,
        time: new Date(r.timeMs).toISOString(),
        ...r.body,
      })),
    });
  });
  return router;
}
