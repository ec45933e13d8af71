import type { Request, RequestHandler, Router } from 'express';
import type { z } from 'zod';
import { ApiError } from './api-error.js';
import type {
  ApiRegistry,
  HttpMethod,
  RegisteredOperation,
  RequestExample,
  RouteAuth,
} from './api-registry.js';
import type { ApiAuth } from './auth.js';
import type { ErrorStatus } from './error-responses.js';
import { SerializedJson } from './serialized-json.js';
import { parseRequest } from './validate.js';

/** Where routes go: the /api/v1 router, the auth middleware and the OpenAPI registry. */
export interface ApiRoutes {
  readonly router: Router;
  readonly auth: ApiAuth;
  readonly registry: ApiRegistry;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives: the validated parameters and body (and the request, rarely needed). */
export interface RouteInput<Q, P, B> {
  query: Parsed<Q>;
  params: Parsed<P>;
  body: Parsed<B>;
  req: Request;
}

/** One operation: its contract (schemas, auth, examples) and its handler. */
export interface RouteSpec<
  Q extends z.ZodObject | undefined,
  P extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
> {
  method: HttpMethod;
  /** Express path under /api/v1 (`/targets/:id`); the document shows `/api/v1/targets/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  /** `read`: the read or admin token (or open on loopback); `admin`: the admin token, always. */
  auth: RouteAuth;
  query?: Q;
  params?: P;
  body?: B;
  response: { status?: 200 | 201; description: string; schema: R };
  /** Errors besides those implied by the contract (400, 401, 403, 404, 413, 414, 415, 429, 431, 500, 503). */
  errors?: readonly ErrorStatus[];
  /** A request that succeeds and what it answers (checked against the schemas by tests). */
  examples: { request?: RequestExample; response: z.input<R> };
  /**
   * Returns the JSON body of the success response (or a SerializedJson of it, sent as it is);
   * throws ApiError for the others.
   */
  handler: (input: RouteInput<Q, P, B>) => unknown;
}

/**
 * Defines an API operation: validates path parameters, query and body with the given zod
 * schemas (a 400 naming the field otherwise), checks the admin token for `auth: 'admin'`,
 * answers the handler's result as JSON, and registers the operation, with the same schemas,
 * in the OpenAPI document.
 */
export function defineRoute<
  Q extends z.ZodObject | undefined = undefined,
  P extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType = z.ZodType,
>(api: ApiRoutes, spec: RouteSpec<Q, P, B, R>): RegisteredOperation {
  if (spec.auth === 'read' && spec.method !== 'get') {
    // The API server requires the admin token for every non-GET request before routing.
    throw new Error(`${spec.method.toUpperCase()} ${spec.path}: mutating routes need auth 'admin'`);
  }
  const status = spec.response.status ?? 200;
  const operation = api.registry.add({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    auth: spec.auth,
    ...(spec.query ? { query: spec.query } : {}),
    ...(spec.params ? { params: spec.params } : {}),
    ...(spec.body ? { body: spec.body } : {}),
    response: { status, description: spec.response.description, schema: spec.response.schema },
    errors: impliedErrors(spec),
    examples: spec.examples,
  });
  const handle: RequestHandler = async (req, res) => {
    const params = spec.params ? parseRequest(spec.params, req, 'params') : undefined;
    const query = spec.query ? parseRequest(spec.query, req, 'query') : undefined;
    if (spec.body) req.body ??= {}; // express.json leaves a request without a body undefined
    const body = spec.body ? parseRequest(spec.body, req, 'body') : undefined;
    const result = await spec.handler({ query, params, body, req } as RouteInput<Q, P, B>);
    if (result instanceof SerializedJson) {
      res.status(status).type('application/json').setHeader('ETag', result.etag);
      res.send(result.text);
    } else {
      res.status(status).json(result);
    }
  };
  const handlers = spec.auth === 'admin' ? [api.auth.requireAdmin, handle] : [handle];
  api.router[spec.method](spec.path, ...handlers);
  return operation;
}

/**
 * After every route is defined: a path that exists answers other methods with 405 and `Allow`
 * (instead of falling through to 404).
 */
export function mountMethodFallbacks(api: ApiRoutes): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const op of api.registry.list()) {
    const methods = methodsByPath.get(op.path) ?? new Set<string>();
    methods.add(op.method.toUpperCase());
    if (op.method === 'get') methods.add('HEAD');
    methodsByPath.set(op.path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods].sort().join(', ');
    api.router.all(path, (req, res, next) => {
      res.setHeader('Allow', allow);
      next(new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on this path (${allow})`));
    });
  }
}

function impliedErrors(spec: {
  auth: RouteAuth;
  query?: unknown;
  params?: unknown;
  body?: unknown;
  errors?: readonly ErrorStatus[];
}): ErrorStatus[] {
  // 503: any handler may meet the store unreachable (a retryable HeadroomError, api-error.ts).
  const errors = new Set<ErrorStatus>([401, 429, 500, 503, ...(spec.errors ?? [])]);
  if (spec.query || spec.params || spec.body) errors.add(400);
  if (spec.auth === 'admin') errors.add(403);
  if (spec.params) errors.add(404);
  if (spec.query) {
    errors.add(414);
    errors.add(431);
  }
  if (spec.body) {
    errors.add(413);
    errors.add(415);
  }
  return [...errors].sort((a, b) => a - b);
}
