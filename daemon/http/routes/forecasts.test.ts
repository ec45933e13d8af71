import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../../core/store.js';
import { matchesFilter } from '../../../core/tags.js';
import { apiConfigSchema } from '../../config/schema.js';
import { ApiServer } from '../api-server.js';
import { exampleForecast } from '../testing/example-data.js';
import { mountForecastsRoutes } from './forecasts.js';

const NOW_MS = Date.UTC(2026, 0, 5, 14, 0, 0);

describe('GET /forecasts (cached per query and forecast revision)', () => {
  const latest = new Map<string, StoredRecord<'forecast'>>();
  let revision = 0;
  let reads = 0;
  let server: ApiServer;
  let base: string;

  const publish = (record: StoredRecord<'forecast'>): void => {
    latest.set(record.tags.provider!, record);
    revision++;
  };

  beforeAll(async () => {
    publish(exampleForecast(NOW_MS, 'stripe'));
    publish(exampleForecast(NOW_MS, 'twilio'));
    server = new ApiServer({
      config: apiConfigSchema.parse({ port: 0 }),
      logger: pino({ level: 'silent' }),
      metricsHandler: (_req, res) => res.end(),
      readiness: async () => ({ state: 'ok', detail: {} }),
      mountApi: (api) =>
        mountForecastsRoutes(api, {
          latest: (where) => {
            reads++;
            return [...latest.values()].filter((r) => matchesFilter(r.tags, where));
          },
          revision: () => revision,
        }),
    });
    await server.start();
    base = `${server.url()}/api/v1/forecasts`;
  });
  afterAll(async () => {
    await server.stop();
  });

  const get = async (query: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}?${query}`, { headers });
    const text = await res.text();
    return { status: res.status, etag: res.headers.get('etag'), type: res.headers.get('content-type'), text };
  };

  it('answers a repeated query from the cache, and each query on its own', async () => {
    const before = reads;
    const first = await get('provider=stripe&horizon=3m');
    const again = await get('provider=stripe&horizon=3m');
    expect(first.status).toBe(200);
    expect(first.type).toContain('application/json');
    expect(again.text).toBe(first.text);
    expect(reads - before).toBe(1);
    const body = JSON.parse(first.text) as { forecasts: { tags: object; points: unknown[] }[] };
    expect(body.forecasts.map((f) => f.tags)).toEqual([{ provider: 'stripe' }]);
    expect(body.forecasts[0]!.points).toHaveLength(3);
    const other = JSON.parse((await get('provider=twilio&horizon=2m')).text) as typeof body;
    expect(other.forecasts.map((f) => [f.tags, f.points.length])).toEqual([[{ provider: 'twilio' }, 2]]);
  });

  it('answers the new forecast once one is published', async () => {
    const old = await get('provider=stripe');
    publish(exampleForecast(NOW_MS + 300_000, 'stripe'));
    const fresh = await get('provider=stripe');
    expect(fresh.text).not.toBe(old.text);
    expect(fresh.etag).not.toBe(old.etag);
    const body = JSON.parse(fresh.text) as { forecasts: { issuedMs: number }[] };
    expect(body.forecasts.map((f) => f.issuedMs)).toEqual([NOW_MS + 300_000]);
  });

  it('answers 304 to a client that holds the current body', async () => {
    const first = await get('provider=twilio');
    expect(first.etag).toMatch(/^W\//);
    // fetch adds `Cache-Control: no-cache` (a forced reload) to a conditional request unless
    // the request names its own Cache-Control.
    const revalidated = await get('provider=twilio', {
      'if-none-match': first.etag!,
      'cache-control': 'max-age=0',
    });
    expect(revalidated.status).toBe(304);
    expect(revalidated.text).toBe('');
  });
});
