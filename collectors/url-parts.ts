/**
 * Cheap URL slicing for the hot path (no `new URL()`, which costs microseconds per span): the
 * host (lower-cased, without userinfo or port) and the path (without query or fragment).
 * Malformed input yields '' rather than throwing.
 */
export function hostOfUrl(url: string): string {
  const scheme = url.indexOf('://');
  let start = scheme < 0 ? (url.startsWith('//') ? 2 : -1) : scheme + 3;
  if (start < 0) return '';
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    // '/', '?', '#'
    if (c === 47 || c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  const at = url.lastIndexOf('@', end - 1);
  if (at >= start) start = at + 1;
  return stripPort(url.slice(start, end)).toLowerCase();
}

/** The path of an absolute or relative URL, without query and fragment ('/' when empty). */
export function pathOfUrl(url: string): string {
  let start = 0;
  const scheme = url.indexOf('://');
  if (scheme >= 0) {
    const slash = url.indexOf('/', scheme + 3);
    if (slash < 0) return '/';
    start = slash;
  }
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  const path = url.slice(start, end);
  return path === '' ? '/' : path;
}

/** `host:port` → `host`; `[::1]:443` → `::1`; a bare IPv6 address is left alone. */
export function stripPort(hostPort: string): string {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    return close > 0 ? hostPort.slice(1, close) : hostPort;
  }
  const colon = hostPort.indexOf(':');
  if (colon < 0 || hostPort.indexOf(':', colon + 1) >= 0) return hostPort;
  return hostPort.slice(0, colon);
}
