import type { Router } from 'express';
import { z } from 'zod';
import type { IncidentQuery } from '../../../alerts/alerts-service.js';
import type { Clock } from '../../../core/clock.js';
import { INCIDENT_STATUSES } from '../../../core/records/incident.js';
import type { StoredRecord } from '../../../core/store.js';
import { parseRequest } from '../validate.js';

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
    from: timeParamSchema.optional(),
    to: timeParamSchema.optional(),
    status: z.enum(INCIDENT_STATUSES).optional(),
    provider: z.string().min(1).max(200).optional(),
    service: z.string().min(1).max(200).optional(),
    limit: z
      .string()
      .regex(/^\d+$/, 'expected a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(1_000))
      .optional(),
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

/**
 * `GET /api/v1/incidents?from=&to=&status=&provider=&service=&limit=`: incidents that started in
 * [from, to) (default: the last 7 days), newest first, with their timelines and facts. `provider`
 * and `service` match the grouping tags or any affected provider / service.
 */
export function mountIncidentRoutes(router: Router, alerts: IncidentsApi, clock: Clock): void {
  router.get('/incidents', async (req, res) => {
    const q = parseRequest(querySchema, req);
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
    res.json({ incidents: incidents.map(incidentView), count: incidents.length });
  });
}
