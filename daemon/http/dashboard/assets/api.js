// The API client: relative URLs (the page may sit behind a proxy under a path prefix), the read
// token from sessionStorage as a Bearer header, JSON errors turned into ApiError.

const TOKEN_KEY = 'headroom.readToken';

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** @returns {string | null} */
export function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** @param {string | null} token */
export function storeToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: the token lasts until the page is closed (kept by the caller).
  }
}

/**
 * GET `api/v1/<path>` with query parameters (arrays repeat the key). Rejects with ApiError on an
 * HTTP error (401: a token is needed or was refused), with the network error otherwise.
 * @param {string} path
 * @param {Record<string, string | number | string[] | undefined>} [params]
 * @param {AbortSignal} [signal]
 */
export async function get(path, params = {}, signal) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, String(v));
  }
  const qs = query.toString();
  const headers = { accept: 'application/json' };
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`api/v1/${path}${qs ? `?${qs}` : ''}`, { headers, signal, cache: 'no-store' });
  if (!response.ok) {
    let code = 'http_error';
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body?.error) {
        code = String(body.error.code ?? code);
        message = String(body.error.message ?? message);
      }
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiError(response.status, code, message);
  }
  return response.json();
}
