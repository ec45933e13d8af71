import type { IncidentBody } from '../../core/records/incident.js';
import type { StoredRecord } from '../../core/store.js';
import type { RecordStore } from '../record-store.js';

export interface IncidentQuery {
  fromMs: number;
  toMs: number;
  status?: IncidentBody['status'];
  provider?: string;
  service?: string;
  limit: number;
}

/**
 * Incidents that started in [fromMs, toMs), newest first. `provider` / `service` match the
 * grouping tag or any provider / service the incident affected (its facts).
 */
export async function queryIncidents(
  store: RecordStore,
  query: IncidentQuery,
): Promise<StoredRecord<'incident'>[]> {
  const records = await store.queryRecords({
    kind: 'incident',
    from: query.fromMs,
    to: query.toMs,
    order: 'desc',
    limit: 5_000,
  });
  const has = (tag: string | undefined, list: unknown, want: string): boolean =>
    tag === want || (Array.isArray(list) && list.includes(want));
  return records
    .filter((r) => {
      const facts = (r.body.facts ?? {}) as { providers?: unknown; services?: unknown };
      if (query.status && r.body.status !== query.status) return false;
      if (query.provider && !has(r.tags.provider, facts.providers, query.provider)) return false;
      if (query.service && !has(r.tags.service, facts.services, query.service)) return false;
      return true;
    })
    .slice(0, query.limit);
}
