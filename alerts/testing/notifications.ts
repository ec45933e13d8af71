import type { Notification } from '../../core/notifier.js';

/** A notification as the engine writes them, for notifier tests. */
export function sampleNotification(overrides: Partial<Notification> = {}): Notification {
  const incidentId = overrides.incidentId ?? 'stripe-20260105-1405-ab12';
  const sequence = overrides.sequence ?? 1;
  return {
    id: `${incidentId}#${sequence}`,
    incidentId,
    event: 'opened',
    sequence,
    status: 'open',
    severity: 'critical',
    title: 'stripe: p95 latency 4.2× normal on POST /v1/charges',
    summary:
      'Calls to stripe `POST /v1/charges`: p95 latency rose to 760 ms, against 180 ms normally (4.2×). ' +
      'Only this endpoint is affected, called from checkout. 62% of errors: `card_declined for customer <*>`.',
    fields: [
      { label: 'Severity', value: 'Critical' },
      { label: 'Started', value: '14:05 UTC' },
    ],
    tags: { provider: 'stripe' },
    startedMs: Date.UTC(2026, 0, 5, 14, 5),
    timeMs: Date.UTC(2026, 0, 5, 14, 5, 30),
    links: [
      { label: 'Open in Headroom', url: 'https://headroom.example.com/?incident=stripe-20260105-1405-ab12' },
    ],
    ...overrides,
  };
}
