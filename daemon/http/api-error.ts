import type { ErrorRequestHandler, RequestHandler } from 'express';
import { errorMessage, HeadroomError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';

/**
 * An error with an HTTP status, answered as `{ error: { code, message, field? } }`. Handlers
 * throw it (Express 5 forwards rejected promises to the error handler).
 */
export class ApiError extends HeadroomError {
  readonly status: number;
  readonly field: string | undefined;
  constructor(status: number, code: string, message: string, field?: string) {
    super(code, message);
    this.name = 'ApiError';
    this.status = status;
    this.field = field;
  }
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** 404 for anything no route answered. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

/**
 * Turns every error into the JSON error body. Unknown errors become 500 with a generic message
 * (the details go to the log, never a stack trace to the client).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let body: ErrorBody = { error: { code: 'internal', message: 'internal error' } };
    if (err instanceof ApiError) {
      status = err.status;
      body = { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } };
    } else if (err instanceof URIError && isHttpError(err)) {
      // The router could not percent-decode a path parameter (`/targets/%E0`).
      status = 400;
      body = {
        error: {
          code: 'invalid_parameter',
          message: 'path: malformed percent-encoding in a path parameter',
          field: 'path',
        },
      };
    } else if (err instanceof HeadroomError && err.retryable) {
      // A dependency that may come back (store unreachable): the client may retry.
      status = 503;
      res.setHeader('Retry-After', '5');
      body = { error: { code: err.code, message: 'temporarily unavailable, retry later' } };
    } else if (isHttpError(err)) {
      // body-parser (it sets `type`): 400 malformed JSON, 413 too large, 415 bad charset.
      status = err.status;
      body = {
        error: {
          code: err.type ?? 'bad_request',
          message: err.expose ? err.message : 'bad request',
          // A body that is not JSON at all: the offending "field" is the body itself.
          ...(status === 400 && err.type ? { field: 'body' } : {}),
        },
      };
    } else {
      logger.error({ err: errorMessage(err), path: req.path }, 'request failed');
    }
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}

function isHttpError(
  err: unknown,
): err is { status: number; type?: string; expose?: boolean; message: string } {
  const e = err as { status?: unknown; statusCode?: unknown };
  return typeof e?.status === 'number' && e.status >= 400 && e.status < 500;
}
