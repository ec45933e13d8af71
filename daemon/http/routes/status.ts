import { z } from 'zod';
import { defineRoute, type ApiRoutes } from '../api-route.js';

const HEALTH_STATES = ['ok', 'degraded', 'down', 'stopped'] as const;

export const statusResponseSchema = z.object({
  version: z.string(),
  instance: z.string().meta({ description: 'This instance, as written in the `collector` tag.' }),
  nowMs: z
    .number()
    .int()
    .meta({ description: "The server's clock (epoch ms): the dashboard computes its time ranges from it." }),
  uptimeSeconds: z.number().int(),
  store: z.object({ kind: z.string(), state: z.enum(HEALTH_STATES), detail: z.string() }),
  components: z.array(z.object({ name: z.string(), state: z.enum(HEALTH_STATES), detail: z.string() })),
  modules: z
    .record(z.string(), z.record(z.string(), z.unknown()))
    .meta({ description: "Each module's own status (collectors, forecasting, actuation, alerts, control)." }),
});

export type StatusBody = z.input<typeof statusResponseSchema>;

/** GET /status: version, uptime, store health, every component's health and module status. */
export function mountStatusRoutes(api: ApiRoutes, status: () => Promise<StatusBody>): void {
  defineRoute(api, {
    method: 'get',
    path: '/status',
    tags: ['status'],
    auth: 'read',
    summary: "The daemon's version, uptime, store, components and modules",
    response: { description: 'Status.', schema: statusResponseSchema },
    examples: {
      response: {
        version: '0.1.0',
        instance: 'node-a',
        nowMs: 1764072000000,
        uptimeSeconds: 3600,
        store: {
          kind: 'embedded',
          state: 'ok',
          detail: 'SQLite /var/lib/headroom/headroom.sqlite, 42 series',
        },
        components: [
          { name: 'store', state: 'ok', detail: '' },
          { name: 'otlp-receiver', state: 'ok', detail: 'http://127.0.0.1:4318' },
          { name: 'api', state: 'ok', detail: '' },
        ],
        modules: {
          collectors: { rollups: [{ collector: 'otlp:node-a', activeSeries: 42 }] },
          forecasting: { serving: 'baselines', series: 3, retraining: false },
          actuation: { targets: [{ id: 'edge-proxy', kind: 'webhook', mode: 'dry_run' }] },
        },
      },
    },
    handler: () => status(),
  });
}
