import { z } from 'zod';

export const INCIDENT_STATUSES = ['open', 'resolved'] as const;
export const SEVERITIES = ['info', 'warning', 'critical'] as const;

export const timelineEntrySchema = z.object({
  timeMs: z.number(),
  kind: z.string(),
  text: z.string(),
});

/**
 * A stored incident: `timeMs` is its start; tags are the grouping keys' values (provider and/or
 * service). Rewritten in place (same id) as it evolves.
 */
export const incidentBodySchema = z.object({
  status: z.enum(INCIDENT_STATUSES),
  severity: z.enum(SEVERITIES),
  groupKey: z.string(),
  title: z.string(),
  summary: z.string(),
  startedMs: z.number(),
  updatedMs: z.number(),
  resolvedMs: z.number().optional(),
  timeline: z.array(timelineEntrySchema),
  /** The facts the summary was written from; every number in the summary appears here. */
  facts: z.unknown(),
});
export type IncidentBody = z.infer<typeof incidentBodySchema>;
