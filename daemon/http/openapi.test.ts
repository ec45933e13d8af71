import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toOpenApiPath, type OpenApiDocument, type RegisteredOperation } from './api-registry.js';
import { errorBodySchema } from './error-responses.js';
import { lintOpenApi } from './openapi-lint.js';
import { ADMIN_TOKEN, ApiTestApp } from './testing/api-test-app.js';

/** `METHOD /path/{param}` of every route on an express router (and routers it mounts). */
function mountedRoutes(router: Router, prefix: string): string[] {
  const out: string[] = [];
  for (const layer of router.stack as unknown as {
    route?: { path: string; methods: Record<string, boolean> };
    handle: { stack?: unknown };
  }[]) {
    if (layer.route) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        // `_all` is the 405 fallback mountMethodFallbacks adds for documented paths.
        if (on && method !== '_all')
          out.push(`${method.toUpperCase()} ${prefix}${toOpenApiPath(layer.route.path)}`);
      }
    } else if (Array.isArray(layer.handle.stack)) {
      out.push(...mountedRoutes(layer.handle as unknown as Router, prefix));
    }
  }
  return out.sort();
}

function documentedOperations(doc: OpenApiDocument, under: string): string[] {
  return Object.entries(doc.paths ?? {})
    .filter(([path]) => path.startsWith(under))
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

function requestUrl(base: string, op: RegisteredOperation, params: Record<string, string> = {}): string {
  const path = op.path.replace(/:([A-Za-z_]\w*)/g, (_m, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(op.examples.request?.query ?? {})) {
    for (const v of typeof value === 'string' ? [value] : value) query.append(key, v);
  }
  const qs = query.toString();
  return `${base}/api/v1${path}${qs ? `?${qs}` : ''}`;
}

describe('OpenAPI document at /openapi.json', () => {
  let t: ApiTestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await ApiTestApp.start({ seed: true });
    const res = await fetch(`${t.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = (await res.json()) as OpenApiDocument;
  });
  afterAll(async () => {
    await t.stop();
  });

  it('is a structurally valid OpenAPI 3.1 document', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual(['adminToken', 'readToken']);
    expect(lintOpenApi(doc)).toEqual([]);
  });

  it('the lint finds what is wrong in a broken document', () => {
    const broken = structuredClone(doc) as unknown as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: unknown[]; security?: unknown[] }>>;
    };
    broken.openapi = '3.0.3';
    broken.paths['/api/v1/targets/{id}']!.get!.parameters = [];
    broken.paths['/api/v1/status']!.get!.security = [{ nope: [] }];
    (broken.paths['/api/v1/status']!.get! as Record<string, unknown>).responses = {
      200: { $ref: '#/components/schemas/Missing' },
    };
    expect(lintOpenApi(broken)).toEqual([
      'openapi: expected 3.1.x, got "3.0.3"',
      'GET /api/v1/status: security scheme nope is not declared',
      'GET /api/v1/targets/{id}: path parameter {id} not declared',
      '#/paths/~1api~1v1~1status/get/responses/200: $ref #/components/schemas/Missing does not resolve',
    ]);
  });

  it('documents every mounted /api/v1 route, and every documented route is mounted', () => {
    const mounted = mountedRoutes(t.api.apiRouter, '/api/v1');
    const documented = documentedOperations(doc, '/api/v1/');
    expect(mounted).toEqual(documented);
    // What the issue lists, so that a module failing to mount cannot go unnoticed.
    for (const path of [
      'GET /api/v1/status',
      'GET /api/v1/series',
      'GET /api/v1/signals',
      'GET /api/v1/forecasts',
      'GET /api/v1/models',
      'GET /api/v1/anomalies',
      'GET /api/v1/anomalies/series',
      'GET /api/v1/decisions',
      'GET /api/v1/targets',
      'GET /api/v1/targets/{id}',
      'POST /api/v1/targets/{id}/pause',
      'POST /api/v1/targets/{id}/resume',
      'POST /api/v1/targets/{id}/override',
      'POST /api/v1/targets/{id}/override/clear',
      'GET /api/v1/incidents',
      'GET /api/v1/silences',
      'POST /api/v1/silences',
      'DELETE /api/v1/silences/{id}',
    ]) {
      expect(documented).toContain(path);
    }
  });

  it('serves the documented routes outside /api/v1', async () => {
    for (const op of documentedOperations(doc, '/').filter((o) => !o.includes(' /api/v1/'))) {
      const [method, path] = op.split(' ') as [string, string];
      const res = await fetch(`${t.url}${path}`, { method });
      await res.arrayBuffer();
      expect([op, res.status]).toEqual([op, 200]);
    }
  });

  it('gives every operation security, examples and documented JSON errors', () => {
    for (const op of t.api.registry.list()) {
      const operation = doc.paths?.[op.openApiPath]?.[op.method];
      const name = `${op.method.toUpperCase()} ${op.openApiPath}`;
      expect(operation, name).toBeDefined();
      expect(operation!.security, name).toEqual(
        op.auth === 'admin' ? [{ adminToken: [] }] : [{ readToken: [] }, { adminToken: [] }],
      );
      const responses = operation!.responses as Record<
        string,
        { content?: Record<string, { example?: unknown; schema?: unknown }> }
      >;
      const success = responses[String(op.response.status)]?.content?.['application/json'];
      expect(success?.example, `${name} response example`).toBeDefined();
      const statuses = Object.keys(responses);
      for (const status of ['401', '429', '500', ...(op.query || op.params || op.body ? ['400'] : [])]) {
        expect(statuses, name).toContain(status);
      }
      if (op.auth === 'admin') expect(statuses, name).toContain('403');
      for (const status of statuses.filter((s) => s >= '400')) {
        const error = responses[status]!.content!['application/json']!;
        expect(error.schema, `${name} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
        expect(errorBodySchema.safeParse(error.example).success, `${name} ${status}`).toBe(true);
      }
      if (op.body) {
        const body = (operation!.requestBody as { content: Record<string, { example?: unknown }> }).content;
        expect(body['application/json']?.example, `${name} request body example`).toBeDefined();
      }
      for (const parameter of (operation!.parameters ?? []) as {
        in: string;
        required?: boolean;
        example?: unknown;
      }[]) {
        if (parameter.required)
          expect(parameter.example, `${name} ${JSON.stringify(parameter)}`).toBeDefined();
      }
    }
  });

  it('has examples that the validating schemas accept', () => {
    for (const op of t.api.registry.list()) {
      const name = `${op.method.toUpperCase()} ${op.path}`;
      const request = op.examples.request ?? {};
      const check = (
        schema: { safeParse(v: unknown): { success: boolean; error?: unknown } } | undefined,
        value: unknown,
        part: string,
      ) => {
        if (!schema) return;
        const result = schema.safeParse(value);
        expect(result.success, `${name} ${part}: ${JSON.stringify(result.error)}`).toBe(true);
      };
      check(op.query, request.query ?? {}, 'query');
      check(op.params, request.params ?? {}, 'params');
      check(op.body, request.body ?? {}, 'body');
      check(op.response.schema, op.examples.response, 'response');
    }
  });

  it('answers every example request as documented, with a body its response schema accepts', async () => {
    const created: Record<string, string> = {};
    for (const op of t.api.registry.list()) {
      const name = `${op.method.toUpperCase()} ${op.path}`;
      let params = op.examples.request?.params;
      // A silence id is random: expire the one the POST example just created.
      if (op.method === 'delete' && op.path === '/silences/:id') params = { id: created.silence! };
      const body = op.examples.request?.body;
      const res = await fetch(requestUrl(t.url, op, params), {
        method: op.method.toUpperCase(),
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const json = (await res.json()) as { silence?: { id: string } };
      expect([name, res.status, json]).toEqual([name, op.response.status, expect.anything()]);
      const parsed = op.response.schema.safeParse(json);
      expect(parsed.success, `${name}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      if (op.method === 'post' && op.path === '/silences') created.silence = json.silence!.id;
    }
  });
});
