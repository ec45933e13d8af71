import type { Request } from 'express';
import type { z } from 'zod';
import { ApiError } from './api-error.js';

/**
 * Validates `req.query` (or `req.body`, `req.params`) against a zod schema; on failure a 400
 * naming the first offending field: `{ error: { code: 'invalid_parameter', field, message } }`.
 */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  req: Request,
  part: 'query' | 'body' | 'params' = 'query',
): z.infer<S> {
  const result = schema.safeParse(part === 'query' ? { ...req.query } : req[part]);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  let field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') field = [field, ...issue.keys].filter(Boolean).join('.');
  const what = part === 'query' ? 'parameter' : part === 'body' ? 'body field' : 'path parameter';
  const message = issue.message.replace(/^Invalid input: /, '');
  throw new ApiError(
    400,
    part === 'body' ? 'invalid_body' : 'invalid_parameter',
    field ? `${what} "${field}": ${message}` : `${part}: ${message}`,
    field || part,
  );
}
