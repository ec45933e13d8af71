import { z } from 'zod';
import type { IncidentQuery } from '../../../alerts/alerts-service.js';
import type { Clock } from '../../../core/clock.js';
import { INCIDENT_STATUSES, SEVERITIES, timelineEntrySchema } from '../../../core/records/incident.js';
import type { StoredRecord } from '../../../core/store.js';
import { defineRoute, type ApiRoutes } from '../api-route.js';

/** What the incidents routes need from the alerts module. */
export interface IncidentsApi {
  listIncidents(query: IncidentQuery): Promise<StoredRecord<'incident'>[]>;
}

const DAY_MS = 24 * 3600_000;

/** Epoch milliseconds ("1767621900000") or an ISO-8601 time ("2026-01-05T14:05:00Z"). */
export const timeParamSchema = z.string().transform((value, ctx) => {
  const ms = /^\d{1,15}$/.test(value)
    ? Number(value)
    : /^\d{4}-\d{2}-\d{2}/.test(value)
      ? Date.parse(value)
      : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO-8601 time' });
    return z.NEVER;
  }
  return ms;
});

const querySchema = z
  .strictObject({
    from: timeParamSchema
      .optional()
      .meta({ description: 'Incidents that started at or after (default: 7 days ago).' }),
    to: timeParamSchema.optional().meta({ description: 'Incidents that started before (default: now).' }),
    status: z.enum(INCIDENT_STATUSES).optional(),
    provider: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Matches the grouping tag or any affected provider.' }),
    service: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Matches the grouping tag or any affected service.' }),
    limit: z
      .string()
      .regex(/^\d+$/, 'expected a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(1_000))
      .optional()
      .meta({ description: 'At most this many (default 100).' }),
  })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.from >= q.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after "from"' });
    }
  });

/** An incident as the API shows it (the stored record, flattened). */
export function incidentView(record: StoredRecord<'incident'>): Record<string, unknown> {
  const { body } = record;
  return {
    id: record.id,
    status: body.status,
    severity: body.severity,
    title: body.title,
    summary: body.summary,
    startedMs: body.startedMs,
    updatedMs: body.updatedMs,
    ...(body.resolvedMs !== undefined ? { resolvedMs: body.resolvedMs } : {}),
    tags: record.tags,
    groupKey: body.groupKey,
    timeline: body.timeline,
    threads: body.threads ?? {},
    notifications: body.notification?.count ?? 0,
    facts: body.facts,
  };
}

const incidentSchema = z
  .object({
    id: z.string(),
    status: z.enum(INCIDENT_STATUSES),
    severity: z.enum(SEVERITIES),
    title: z.string(),
    summary: z.string().meta({ description: 'Plain-English summary, as notified.' }),
    startedMs: z.number().int(),
    updatedMs: z.number().int(),
    resolvedMs: z.number().int().optional(),
    tags: z.record(z.string(), z.string()),
    groupKey: z.string(),
    timeline: z.array(timelineEntrySchema),
    threads: z
      .record(z.string(), z.object({ channel: z.string(), ts: z.string() }))
      .meta({ description: 'Where each notifier posted the first message (Slack thread), by notifier.' }),
    notifications: z.number().int(),
    facts: z.unknown().meta({ description: 'The facts the summary was written from.' }),
  })
  .meta({ id: 'Incident' });

const incidentsResponseSchema = z.object({ incidents: z.array(incidentSchema), count: z.number().int() });

const T = 1767621900000;

/**
 * `GET /api/v1/incidents?from=&to=&status=&provider=&service=&limit=`: incidents that started in
 * [from, to) (default: the last 7 days), newest first, with their timelines and facts. `provider`
 * and `service` match the grouping tags or any affected provider / service.
 */
export function mountIncidentRoutes(api: ApiRoutes, alerts: IncidentsApi, clock: Clock): void {
  defineRoute(api, {
    method: 'get',
    path: '/incidents',
    tags: ['incidents'],
    auth: 'read',
    summary: 'Incidents with their summaries and timelines, newest first',
    query: querySchema,
    response: { description: 'Incidents that started in [from, to).', schema: incidentsResponseSchema },
    examples: {
      request: { query: { provider: 'stripe', status: 'open' } },
      response: {
        incidents: [
          {
            id: 'stripe-20260105-1405-x7k2',
            status: 'open',
            severity: 'warning',
            title: 'stripe: p95 latency 3.1× normal on POST /v1/charges',
            summary:
              'Calls to stripe `POST /v1/charges`: p95 latency rose to 567 ms, against 180 ms normally ' +
              '(3.1×). Only this endpoint is affected, called from checkout. It started at 14:05 UTC.',
            startedMs: T,
            updatedMs: T + 60_000,
            tags: { provider: 'stripe' },
            groupKey: 'provider=stripe',
            timeline: [
              { timeMs: T, kind: 'opened', text: 'p95 latency 567 ms (expected 150 ms–210 ms)' },
              { timeMs: T + 60_000, kind: 'notified', text: 'notified slack' },
            ],
            threads: {},
            notifications: 1,
            facts: { services: ['checkout'], endpoints: ['/v1/charges'] },
          },
        ],
        count: 1,
      },
    },
    handler: async ({ query: q }) => {
      const now = clock.now();
      const toMs = q.to ?? now + 1;
      const incidents = await alerts.listIncidents({
        fromMs: q.from ?? Math.min(now - 7 * DAY_MS, toMs - 1),
        toMs,
        limit: q.limit ?? 100,
        ...(q.status ? { status: q.status } : {}),
        ...(q.provider ? { provider: q.provider } : {}),
        ...(q.service ? { service: q.service } : {}),
      });
      return { incidents: incidents.map(incidentView), count: incidents.length };
    },
  });
}
