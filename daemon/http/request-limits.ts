import type { RequestHandler } from 'express';
import { ApiError } from './api-error.js';

/**
 * Longest query string accepted. The longest real one (a signal query with a few repeated tag
 * filters) is well under 1 KiB; Node itself refuses request heads over 16 KiB (431, answered as JSON by client-errors.ts).
 */
export const MAX_QUERY_BYTES = 8 * 1024;

/**
 * Largest JSON body. The largest real one (an override of a routing control's weights, a
 * silence with a long comment) is a few KiB.
 */
export const MAX_JSON_BODY = '64kb';

/** 414 `query_too_long` above MAX_QUERY_BYTES, before anything parses the query. */
export const queryLengthLimit: RequestHandler = (req, _res, next) => {
  const start = req.url.indexOf('?');
  if (start >= 0 && req.url.length - start - 1 > MAX_QUERY_BYTES) {
    return next(
      new ApiError(414, 'query_too_long', `the query string may be at most ${MAX_QUERY_BYTES} bytes`),
    );
  }
  next();
};

/**
 * 415 for a request body that is not JSON: express.json would skip it silently and the route
 * would see no body at all.
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is('application/json')) {
    return next(new ApiError(415, 'unsupported_media_type', 'request bodies must be application/json'));
  }
  next();
};
