import {
  OpenApiGeneratorV31,
  OpenAPIRegistry,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { ERROR_RESPONSES, errorBodySchema, type ErrorStatus } from './error-responses.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type RouteAuth = 'read' | 'admin';
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** An example request: query and path parameters as they appear in a URL, and a JSON body. */
export interface RequestExample {
  query?: Record<string, string | readonly string[]>;
  params?: Record<string, string>;
  body?: unknown;
}

/** What the OpenAPI document says about one operation (api-route.ts builds it from a route). */
export interface OperationDoc {
  method: HttpMethod;
  /** Express path under the API prefix, e.g. `/targets/:id`. */
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  auth: RouteAuth;
  query?: z.ZodObject;
  params?: z.ZodObject;
  body?: z.ZodType;
  response: { status: 200 | 201; description: string; schema: z.ZodType };
  errors: readonly ErrorStatus[];
  examples: { request?: RequestExample; response: unknown };
}

/** One registered operation, as the route-coverage test and the 405 fallback see it. */
export interface RegisteredOperation extends OperationDoc {
  /** OpenAPI path, prefix included: `/api/v1/targets/{id}`. */
  openApiPath: string;
  operationId: string;
}

/** `/targets/:id/override` → `/targets/{id}/override` (OpenAPI path templating). */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** `post /targets/:id/override/clear` → `postTargetsIdOverrideClear`. */
function operationIdOf(method: HttpMethod, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const SECURITY: Record<RouteAuth, Record<string, string[]>[]> = {
  read: [{ readToken: [] }, { adminToken: [] }],
  admin: [{ adminToken: [] }],
};

/**
 * The API's operations and the OpenAPI 3.1 document generated from them. Routes register here
 * (through `defineRoute`) with the same zod schemas that validate their requests, so the
 * document cannot drift from what the server accepts. Generated once, on first request.
 */
export class ApiRegistry {
  private readonly openapi = new OpenAPIRegistry();
  private readonly operations: RegisteredOperation[] = [];
  private json: string | undefined;

  constructor(private readonly info: { version: string; prefix: string }) {
    this.openapi.registerComponent('securitySchemes', 'readToken', {
      type: 'http',
      scheme: 'bearer',
      description:
        'api.readToken (the admin token works too). Reads are open without a token only when ' +
        'no read token is configured and the API binds to loopback.',
    });
    this.openapi.registerComponent('securitySchemes', 'adminToken', {
      type: 'http',
      scheme: 'bearer',
      description: 'api.adminToken: required for every mutating call; without one they answer 403.',
    });
  }

  /** Registers an operation; throws on a duplicate method and path. */
  add(doc: OperationDoc): RegisteredOperation {
    const openApiPath = this.info.prefix + toOpenApiPath(doc.path);
    if (this.operations.some((o) => o.method === doc.method && o.openApiPath === openApiPath)) {
      throw new Error(`${doc.method.toUpperCase()} ${openApiPath} is defined twice`);
    }
    const operation: RegisteredOperation = {
      ...doc,
      openApiPath,
      operationId: operationIdOf(doc.method, doc.path),
    };
    this.operations.push(operation);
    this.openapi.registerPath(this.routeConfig(operation));
    this.json = undefined;
    return operation;
  }

  /** Every registered operation, in registration order. */
  list(): readonly RegisteredOperation[] {
    return this.operations;
  }

  /** Registers an operation that is not under the API prefix (health, metrics, this document). */
  addRootPath(route: RouteConfig): void {
    this.openapi.registerPath(route);
    this.json = undefined;
  }

  document(): OpenApiDocument {
    const doc = new OpenApiGeneratorV31(this.openapi.definitions).generateDocument({
      openapi: '3.1.0',
      info: {
        title: 'Headroom API',
        version: this.info.version,
        description:
          'Telemetry, forecasts, anomalies, decisions, targets and incidents of a Headroom daemon. ' +
          'Errors are `{ "error": { "code", "message", "field"? } }`; every client is rate limited ' +
          '(429 with Retry-After).',
      },
      tags: [...new Set(this.operations.flatMap((o) => o.tags))].sort().map((name) => ({ name })),
    });
    addParameterExamples(doc, this.operations);
    return doc;
  }

  /** The document serialised once (it only changes when routes are added). */
  documentJson(): string {
    this.json ??= JSON.stringify(this.document());
    return this.json;
  }

  private routeConfig(op: RegisteredOperation): RouteConfig {
    const responses: Record<string, ResponseConfig> = {
      [op.response.status]: {
        description: op.response.description,
        content: { 'application/json': { schema: op.response.schema, example: op.examples.response } },
      },
    };
    for (const status of op.errors) responses[status] = errorResponse(status);
    const body = op.body;
    return {
      method: op.method,
      path: op.openApiPath,
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [...op.tags],
      security: SECURITY[op.auth],
      request: {
        ...(op.query ? { query: op.query } : {}),
        ...(op.params ? { params: op.params } : {}),
        ...(body
          ? {
              body: {
                required: true,
                content: { 'application/json': { schema: body, example: op.examples.request?.body } },
              },
            }
          : {}),
      },
      responses,
    };
  }
}

function errorResponse(status: ErrorStatus): ResponseConfig {
  const { description, example } = ERROR_RESPONSES[status];
  return {
    description,
    ...(status === 429
      ? {
          headers: {
            'Retry-After': {
              description: 'Seconds until the client may retry.',
              schema: { type: 'integer' },
            },
          },
        }
      : {}),
    ...(status === 405
      ? { headers: { Allow: { description: 'Methods the path has.', schema: { type: 'string' } } } }
      : {}),
    content: { 'application/json': { schema: errorBodySchema, example } },
  };
}

/** Parameter objects get the value of the operation's request example (OpenAPI `example`). */
function addParameterExamples(doc: OpenApiDocument, operations: readonly RegisteredOperation[]): void {
  for (const op of operations) {
    const operation = doc.paths?.[op.openApiPath]?.[op.method];
    const example = op.examples.request;
    for (const parameter of operation?.parameters ?? []) {
      if (!('in' in parameter)) continue;
      const values =
        parameter.in === 'query' ? example?.query : parameter.in === 'path' ? example?.params : undefined;
      const value = values?.[parameter.name];
      if (value !== undefined) parameter.example = value;
    }
  }
}
