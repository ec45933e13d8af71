const METHODS = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY'];
/** Known methods, any case, to their canonical (interned) upper-case string. */
const CANONICAL = new Map<string, string>();
for (const m of METHODS) {
  CANONICAL.set(m, m);
  CANONICAL.set(m.toLowerCase(), m);
}

/**
 * The `method` tag: a known HTTP method in upper case, `_OTHER` for anything else (as the HTTP
 * semantic conventions prescribe for `http.request.method`), or '' when there is none. Returns
 * the same string object for the same method, so later lookups reuse its cached hash.
 */
export function normalizeMethod(method: string): string {
  if (method === '') return '';
  return CANONICAL.get(method) ?? CANONICAL.get(method.toUpperCase()) ?? '_OTHER';
}
