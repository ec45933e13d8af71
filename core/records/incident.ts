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
  /**
   * Notification bookkeeping (Alertmanager-style timing survives a restart): how many messages
   * were queued, when the last one was, a fingerprint of what it said, the silence that
   * suppressed the latest one.
   */
  notification: z
    .object({
      count: z.number().int().min(0),
      lastSentMs: z.number().optional(),
      lastFingerprint: z.string().optional(),
      suppressedBy: z.string().optional(),
    })
    .optional(),
  /** Where each notifier posted the incident's first message (Slack thread), by notifier name. */
  threads: z.record(z.string(), z.object({ channel: z.string(), ts: z.string() })).optional(),
});
export type IncidentBody = z.infer<typeof incidentBodySchema>;
