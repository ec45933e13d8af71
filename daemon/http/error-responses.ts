import { z } from 'zod';

/** The body of every API error (api-error.ts), as the OpenAPI document shows it. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable, machine-readable code (e.g. invalid_parameter).' }),
      message: z.string().meta({ description: 'What went wrong, for people; never a stack trace.' }),
      field: z
        .string()
        .optional()
        .meta({ description: 'On 400s: the offending query parameter, path parameter or body field.' }),
    }),
  })
  .meta({ id: 'Error' });

/** HTTP statuses an operation may document besides its success response. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 413 | 414 | 415 | 429 | 431 | 500 | 503;

interface ErrorResponseDoc {
  description: string;
  example: z.infer<typeof errorBodySchema>;
}

/** What each error status means on this API, with an example body. */
export const ERROR_RESPONSES: Record<ErrorStatus, ErrorResponseDoc> = {
  400: {
    description: 'Invalid parameter or body; `field` names the offending one.',
    example: {
      error: {
        code: 'invalid_parameter',
        message: 'parameter "limit": Too big: expected number to be <=1000',
        field: 'limit',
      },
    },
  },
  401: {
    description: 'Missing or wrong bearer token.',
    example: { error: { code: 'unauthorized', message: 'a read or admin bearer token is required' } },
  },
  403: {
    description: 'Mutating endpoints are disabled: no admin token is configured (api.adminToken).',
    example: {
      error: { code: 'admin_disabled', message: 'mutating endpoints are disabled: set api.adminToken' },
    },
  },
  404: {
    description: 'No such resource.',
    example: { error: { code: 'not_found', message: 'no target with id "edge-nginx"' } },
  },
  405: {
    description: 'The path exists but not with this method; `Allow` lists the methods it has.',
    example: { error: { code: 'method_not_allowed', message: 'DELETE is not allowed on this path' } },
  },
  413: {
    description: 'Request body larger than the limit.',
    example: { error: { code: 'entity.too.large', message: 'request entity too large' } },
  },
  414: {
    description: 'Query string longer than the limit.',
    example: { error: { code: 'query_too_long', message: 'the query string may be at most 8192 bytes' } },
  },
  415: {
    description: 'A request body that is not JSON (`Content-Type: application/json`).',
    example: {
      error: { code: 'unsupported_media_type', message: 'request bodies must be application/json' },
    },
  },
  429: {
    description: 'Too many requests from this client; retry after `Retry-After` seconds.',
    example: { error: { code: 'rate_limited', message: 'too many requests: retry after 12 s' } },
  },
  431: {
    description: 'Request line and headers over 16 KiB (refused before routing).',
    example: {
      error: { code: 'headers_too_large', message: 'the request line and headers may be at most 16 KiB' },
    },
  },
  500: {
    description: 'Unexpected failure (details are logged, never returned).',
    example: { error: { code: 'internal', message: 'internal error' } },
  },
  503: {
    description:
      'A dependency is unavailable (the store is unreachable, or the audit log could not be written); ' +
      'retry later (`Retry-After` when the server knows).',
    example: {
      error: {
        code: 'audit_unavailable',
        message: 'the audit record could not be written: nothing was changed',
      },
    },
  },
};
