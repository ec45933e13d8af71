/** One upstream attempt of a request (nginx may try several: `proxy_next_upstream`). */
export interface UpstreamTry {
  /** `$upstream_addr` entry: `ip:port`, `unix:/path`, or the upstream group name. */
  addr: string;
  /** HTTP status from the upstream, or NaN when there was none (`-`). */
  status: number;
  /** Seconds from `$upstream_response_time` in ms, or NaN when unknown (`-`). */
  durationMs: number;
}

/** The fields of one access-log line (log_format in README.md) that the rollup uses. */
export interface AccessEntry {
  /** End of the request, epoch ms (`$msec`). */
  timeMs: number;
  method: string;
  uri: string;
  route: string;
  status: number;
  proxyHost: string;
  cacheStatus: string;
  tries: UpstreamTry[];
}

/**
 * `$upstream_*` lists: tries separated by ", ", internal redirects (X-Accel-Redirect, error_page)
 * by " : " (nginx docs, ngx_http_upstream_module "Embedded Variables").
 */
const LIST_SEPARATOR = /\s*,\s*|\s+:\s+/;

function field(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function list(text: string): string[] {
  return text === '' || text === '-' ? [] : text.split(LIST_SEPARATOR);
}

function number(text: string | undefined): number {
  return text === undefined || text === '' || text === '-' ? Number.NaN : Number(text);
}

/** Parses one JSON access-log line; undefined when it is not one (logged as unparseable). */
export function parseAccessLine(line: string): AccessEntry | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return undefined;
  const r = record as Record<string, unknown>;
  const timeMs = number(field(r, 'msec')) * 1000;
  if (!Number.isFinite(timeMs)) return undefined;
  const addrs = list(field(r, 'upstream_addr'));
  const statuses = list(field(r, 'upstream_status'));
  const times = list(field(r, 'upstream_response_time'));
  const tries: UpstreamTry[] = addrs.map((addr, i) => ({
    addr,
    status: number(statuses[i]),
    durationMs: number(times[i]) * 1000,
  }));
  const route = field(r, 'route');
  return {
    timeMs,
    method: field(r, 'method'),
    uri: field(r, 'uri'),
    route: route === '-' ? '' : route,
    status: number(field(r, 'status')),
    proxyHost: field(r, 'proxy_host').replace(/^-$/, ''),
    cacheStatus: field(r, 'upstream_cache_status').replace(/^-$/, ''),
    tries,
  };
}
