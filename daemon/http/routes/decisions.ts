import { z } from 'zod';
import { DECISION_OUTCOMES, decisionBodySchema } from '../../../core/records/decision.js';
import type { Store } from '../../../core/store.js';
import { ApiError } from '../api-error.js';
import { defineRoute, type ApiRoutes } from '../api-route.js';
import { apiTimeSchema } from './api-time.js';

const tagValue = z.string().min(1).max(200);

const querySchema = z.strictObject({
  from: apiTimeSchema.optional().meta({ description: 'Inclusive lower bound (epoch ms or ISO 8601).' }),
  to: apiTimeSchema.optional().meta({ description: 'Exclusive upper bound (epoch ms or ISO 8601).' }),
  target: tagValue.optional(),
  policy: tagValue.optional().meta({ description: 'e.g. scaling, rate-limit, or operator.' }),
  outcome: z.enum(DECISION_OUTCOMES).optional(),
  control: tagValue.optional(),
  service: tagValue.optional(),
  provider: tagValue.optional(),
  endpoint: tagValue.optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/** A decision as the API shows it: the audit record, flattened. */
export const decisionViewSchema = z
  .object({
    id: z.string(),
    timeMs: z.number().int(),
    time: z.string().meta({ description: 'timeMs as ISO 8601.' }),
    ...decisionBodySchema.shape,
  })
  .meta({ id: 'Decision' });

const decisionsResponseSchema = z.object({ decisions: z.array(decisionViewSchema) });

export interface DecisionsRouteDeps {
  store: Pick<Store, 'queryRecords'>;
}

/**
 * GET /decisions: the audit log of actuation decisions (records of kind `decision`), newest
 * first, filtered by time range and by target, policy, outcome, control or subject tags.
 */
export function mountDecisionsRoutes(api: ApiRoutes, deps: DecisionsRouteDeps): void {
  defineRoute(api, {
    method: 'get',
    path: '/decisions',
    tags: ['actuation'],
    auth: 'read',
    summary: 'The audit log of decisions (what changed, why, dry-run or applied), newest first',
    description:
      'Every decision of every policy, and every operator action (policy `operator`), with the ' +
      'state read before deciding, the desired state, the reasons and what was suppressed.',
    query: querySchema,
    response: { description: 'Matching decisions.', schema: decisionsResponseSchema },
    examples: {
      request: { query: { target: 'edge-proxy', policy: 'cache-ttl', from: '2026-01-05T12:00:00Z' } },
      response: {
        decisions: [
          {
            id: '0mk141olc-002a-5f1c9e07b2d4',
            timeMs: 1767614520000,
            time: '2026-01-05T12:02:00.000Z',
            target: 'edge-proxy',
            targetKind: 'webhook',
            policy: 'cache-ttl',
            subject: { provider: 'stripe' },
            control: 'cache_ttl',
            mode: 'dry_run',
            outcome: 'dry_run',
            current: { ttlSeconds: 60, staleOnError: false },
            desired: { ttlSeconds: 300, staleOnError: true },
            reasons: ['stripe p95 latency 687 ms is anomalous: serve cached responses longer'],
            suppressed: [],
          },
        ],
      },
    },
    handler: async ({ query: q }) => {
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
      return {
        decisions: records.map((r) => ({
          id: r.id,
          timeMs: r.timeMs,
          time: new Date(r.timeMs).toISOString(),
          ...r.body,
        })),
      };
    },
  });
}
