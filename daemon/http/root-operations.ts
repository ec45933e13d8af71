import { z } from 'zod';
import type { ApiRegistry } from './api-registry.js';
import { ERROR_RESPONSES, errorBodySchema } from './error-responses.js';

const healthSchema = z.object({ status: z.literal('ok') });
const readySchema = z
  .object({
    ready: z.boolean(),
    state: z.enum(['ok', 'degraded', 'down']),
    store: z.object({ kind: z.string(), state: z.string(), detail: z.string() }).optional(),
  })
  .meta({ description: 'Readiness and the store behind it (more detail keys may appear).' });

const json = (schema: z.ZodType, example: unknown) => ({
  'application/json': { schema, example },
});

/**
 * Documents the operations outside /api/v1 that ApiServer itself serves (the dashboard documents
 * nothing: it is a page, not an API).
 */
export function registerRootOperations(registry: ApiRegistry): void {
  registry.addRootPath({
    method: 'get',
    path: '/healthz',
    operationId: 'getHealthz',
    summary: 'Liveness: the process answers',
    tags: ['health'],
    security: [],
    responses: { 200: { description: 'Alive.', content: json(healthSchema, { status: 'ok' }) } },
  });
  registry.addRootPath({
    method: 'get',
    path: '/readyz',
    operationId: 'getReadyz',
    summary: 'Readiness: the store takes writes (degraded while spooling still counts as ready)',
    tags: ['health'],
    security: [],
    responses: {
      200: {
        description: 'Ready (ok or degraded).',
        content: json(readySchema, {
          ready: true,
          state: 'ok',
          store: { kind: 'embedded', state: 'ok', detail: 'sqlite' },
        }),
      },
      503: {
        description: 'Not ready.',
        content: json(readySchema, {
          ready: false,
          state: 'down',
          store: { kind: 'influx', state: 'down', detail: 'InfluxDB at http://127.0.0.1:8086 unreachable' },
        }),
      },
    },
  });
  registry.addRootPath({
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: "Headroom's own metrics (Prometheus text exposition format)",
    tags: ['health'],
    security: [{ readToken: [] }, { adminToken: [] }],
    responses: {
      200: {
        description: 'Prometheus exposition.',
        content: {
          'text/plain': {
            schema: { type: 'string' },
            example: '# TYPE headroom_spool_depth_bytes gauge\nheadroom_spool_depth_bytes 0\n',
          },
        },
      },
      401: {
        description: ERROR_RESPONSES[401].description,
        content: json(errorBodySchema, ERROR_RESPONSES[401].example),
      },
    },
  });
  registry.addRootPath({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenapiJson',
    summary: 'This document (OpenAPI 3.1), generated from the schemas that validate requests',
    tags: ['health'],
    security: [],
    responses: {
      200: {
        description: 'The OpenAPI document.',
        content: { 'application/json': { schema: { type: 'object' }, example: { openapi: '3.1.0' } } },
      },
    },
  });
}
