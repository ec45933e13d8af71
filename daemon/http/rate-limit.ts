import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from '../../core/logger.js';
import type { HeadroomConfig } from '../config/schema.js';
import { ApiError } from './api-error.js';

/**
 * Per-client fixed-window rate limit of /api/v1 (express-rate-limit's memory store: one daemon
 * serves the API; its cleanup timer is unref'd). Counts every request, authenticated or not, so that guessing tokens is
 * limited too. Past the limit: 429 `rate_limited` as JSON with `Retry-After` and the IETF
 * `RateLimit` / `RateLimit-Policy` headers.
 */
export function createApiRateLimit(
  config: HeadroomConfig['api']['rateLimit'],
  logger: Logger,
): RequestHandler {
  if (!config.enabled) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: config.windowSeconds * 1000,
    limit: config.maxRequests,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Validation findings (e.g. an X-Forwarded-For header while no proxy is trusted) go to our
    // log rather than the console.
    logger: {
      warn: (message: unknown) => logger.warn({ detail: String(message) }, 'rate limit configuration'),
      error: (message: unknown) => logger.warn({ detail: String(message) }, 'rate limit configuration'),
    },
    handler: (_req, res, next) => {
      const retryAfter = res.getHeader('Retry-After') ?? config.windowSeconds;
      next(new ApiError(429, 'rate_limited', `too many requests: retry after ${String(retryAfter)} s`));
    },
  });
}
