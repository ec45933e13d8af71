import { timingSafeEqual, createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './api-error.js';

export interface ApiAuth {
  /** Read endpoints: the read (or admin) token; open without one only when bound to loopback. */
  requireRead: RequestHandler;
  /** Mutating endpoints: always the admin token; refused when none is configured. */
  requireAdmin: RequestHandler;
}

/** Constant-time comparison of a presented token with the expected one (hashing equalises length). */
export function tokenMatches(presented: string | undefined, expected: string | undefined): boolean {
  if (!presented || !expected) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

export function createApiAuth(options: { host: string; readToken?: string; adminToken?: string }): ApiAuth {
  const readOpen = !options.readToken && isLoopbackHost(options.host);
  return {
    requireRead: (req, _res, next) => {
      if (readOpen) return next();
      const token = bearerToken(req.headers.authorization);
      if (tokenMatches(token, options.readToken) || tokenMatches(token, options.adminToken)) return next();
      next(new ApiError(401, 'unauthorized', 'a read or admin bearer token is required'));
    },
    requireAdmin: (req, _res, next) => {
      if (!options.adminToken) {
        return next(
          new ApiError(403, 'admin_disabled', 'mutating endpoints are disabled: set api.adminToken'),
        );
      }
      if (tokenMatches(bearerToken(req.headers.authorization), options.adminToken)) return next();
      next(new ApiError(401, 'unauthorized', 'the admin bearer token is required'));
    },
  };
}
