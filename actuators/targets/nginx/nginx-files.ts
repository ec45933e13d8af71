import type { CacheTtlState, RateLimitState, RoutingState } from '../../../core/actuator.js';
import type { NginxCache, NginxRateLimit, NginxUpstream } from './config.js';

/**
 * The include files an nginx target owns, rendered from states and parsed back. Reading back
 * parses the directives themselves (not a side-car copy), so what is reported is what nginx
 * would load.
 *
 * - `headroom-limits.conf` (http context): one `limit_req_zone` per rate limit;
 * - `headroom-limit-<zone>.conf` (server/location context): `limit_req` with the burst, and
 *   `limit_req_status`;
 * - `headroom-upstreams.conf` (http context): one `upstream` block per routed provider, with
 *   `weight`, `backup` and `down` per server;
 * - `headroom-cache-<name>.conf` (location context): `proxy_cache_valid` and
 *   `proxy_cache_use_stale`.
 */
export const LIMITS_FILE = 'headroom-limits.conf';
export const UPSTREAMS_FILE = 'headroom-upstreams.conf';
export const limitSnippetFile = (zone: string): string => `headroom-limit-${zone}.conf`;
export const cacheSnippetFile = (name: string): string => `headroom-cache-${name}.conf`;

const header = (targetId: string, context: string): string =>
  `# Managed by Headroom (target "${targetId}"); ${context}. Do not edit: Headroom rewrites this file.\n`;

/** Statuses stale content may be served on while the provider fails (stale-on-error). */
const STALE_ON_ERROR = 'error timeout updating http_500 http_502 http_503 http_504';

/**
 * nginx keeps limit_req rates as whole requests per second or per minute: a rate is written in
 * r/s when it is a whole number per second, else in r/m (at least 1r/m).
 */
export function normalizeRate(state: RateLimitState): RateLimitState {
  const perMinute = Math.max(1, Math.round(state.ratePerSecond * 60));
  return { ratePerSecond: perMinute / 60, burst: Math.max(0, Math.round(state.burst)) };
}

function rateText(ratePerSecond: number): string {
  const perMinute = Math.round(ratePerSecond * 60);
  return perMinute % 60 === 0 ? `${perMinute / 60}r/s` : `${perMinute}r/m`;
}

export function renderLimits(
  targetId: string,
  limits: readonly { limit: NginxRateLimit; state: RateLimitState }[],
): string {
  let out = header(targetId, 'include in the http {} block');
  for (const { limit, state } of limits) {
    out += `limit_req_zone ${limit.key} zone=${limit.zone}:${limit.zoneSize} rate=${rateText(state.ratePerSecond)};\n`;
  }
  return out;
}

export function renderLimitSnippet(
  targetId: string,
  zone: string,
  state: RateLimitState,
  status: number,
): string {
  return (
    header(targetId, `include in the server {} or location {} that "${zone}" limits`) +
    // nginx refuses `burst=0`; leaving it out means no burst.
    `limit_req zone=${zone}${state.burst > 0 ? ` burst=${state.burst}` : ''} nodelay;\nlimit_req_status ${status};\n`
  );
}

export function renderCacheSnippet(targetId: string, cache: NginxCache, state: CacheTtlState): string {
  return (
    header(targetId, `include in the location {} cached as "${cache.name}"`) +
    `proxy_cache_valid ${cache.statuses.join(' ')} ${Math.round(state.ttlSeconds)}s;\n` +
    `proxy_cache_use_stale ${state.staleOnError ? STALE_ON_ERROR : 'off'};\n` +
    // A 0 s validity still serves hits for the rest of the current second; 0 means "do not cache".
    (Math.round(state.ttlSeconds) === 0 ? 'proxy_no_cache 1;\n' : '')
  );
}

/**
 * Routing as nginx can express it: whole weights 1..100, an endpoint that is down (or weighted
 * 0) reported with weight 0, lists sorted. Unknown or missing endpoints are errors (the reason
 * is returned as a string), never guesses.
 */
export function normalizeRouting(upstream: NginxUpstream, state: RoutingState): RoutingState | string {
  const endpoints = Object.keys(upstream.servers).sort();
  const unknown = [...Object.keys(state.weights), ...state.down, ...state.backup].filter(
    (e) => !(e in upstream.servers),
  );
  if (unknown.length > 0)
    return `unknown endpoint(s) ${[...new Set(unknown)].join(', ')} for upstream ${upstream.name}`;
  const missing = endpoints.filter((e) => !(e in state.weights));
  if (missing.length > 0)
    return `no weight for endpoint(s) ${missing.join(', ')} of upstream ${upstream.name}`;
  const weights: Record<string, number> = {};
  const down: string[] = [];
  for (const e of endpoints) {
    const w = Math.min(100, Math.round(state.weights[e]!));
    const isDown = w <= 0 || state.down.includes(e);
    weights[e] = isDown ? 0 : w;
    if (isDown) down.push(e);
  }
  return { weights, down, backup: endpoints.filter((e) => state.backup.includes(e)) };
}

export function renderUpstreams(
  targetId: string,
  upstreams: readonly { upstream: NginxUpstream; state: RoutingState }[],
): string {
  let out = header(targetId, 'include in the http {} block');
  for (const { upstream, state } of upstreams) {
    out += `upstream ${upstream.name} {\n`;
    for (const e of Object.keys(upstream.servers).sort()) {
      const flags = [
        state.down.includes(e) ? '' : `weight=${state.weights[e]}`,
        state.backup.includes(e) ? 'backup' : '',
        state.down.includes(e) ? 'down' : '',
      ].filter(Boolean);
      out += `    server ${upstream.servers[e]} ${flags.join(' ')}; # endpoint ${e}\n`;
    }
    for (const line of upstream.extra) out += `    ${line}\n`;
    out += '}\n';
  }
  return out;
}

/** Directives of a file without comments, as [name, ...args] (our files hold no quotes). */
function directives(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .join(' ')
    .split(/([;{}])/)
    .reduce<string[][]>((acc, part, i, parts) => {
      const words = part.trim().split(/\s+/).filter(Boolean);
      if (words.length > 0 && (parts[i + 1] === ';' || parts[i + 1] === '{')) acc.push(words);
      if (part === '}') acc.push(['}']);
      return acc;
    }, []);
}

export function parseLimits(text: string): Map<string, number> {
  const rates = new Map<string, number>();
  for (const [name, ...args] of directives(text)) {
    if (name !== 'limit_req_zone') continue;
    const zone = args
      .find((a) => a.startsWith('zone='))
      ?.slice(5)
      .split(':')[0];
    const rate = /^rate=(\d+)r\/([sm])$/.exec(args.find((a) => a.startsWith('rate=')) ?? '');
    if (zone && rate) rates.set(zone, rate[2] === 's' ? Number(rate[1]) : Number(rate[1]) / 60);
  }
  return rates;
}

export function parseLimitSnippet(text: string): number | undefined {
  for (const [name, ...args] of directives(text)) {
    if (name !== 'limit_req') continue;
    const burst = args.find((a) => a.startsWith('burst='));
    return burst ? Number(burst.slice(6)) : 0;
  }
  return undefined;
}

export function parseCacheSnippet(text: string): CacheTtlState | undefined {
  let ttlSeconds: number | undefined;
  let staleOnError = false;
  for (const [name, ...args] of directives(text)) {
    if (name === 'proxy_cache_valid') {
      const time = /^(\d+)s?$/.exec(args[args.length - 1] ?? '');
      if (time) ttlSeconds = Number(time[1]);
    } else if (name === 'proxy_cache_use_stale') {
      staleOnError = !(args.length === 1 && args[0] === 'off');
    }
  }
  return ttlSeconds === undefined ? undefined : { ttlSeconds, staleOnError };
}

/** Upstream name to routing state, mapping server addresses back to endpoint names. */
export function parseUpstreams(text: string, upstreams: readonly NginxUpstream[]): Map<string, RoutingState> {
  const out = new Map<string, RoutingState>();
  let current: { upstream: NginxUpstream; state: RoutingState } | undefined;
  for (const [name, ...args] of directives(text)) {
    if (name === 'upstream') {
      const upstream = upstreams.find((u) => u.name === args[0]);
      current = upstream ? { upstream, state: { weights: {}, down: [], backup: [] } } : undefined;
    } else if (name === '}') {
      if (current) out.set(current.upstream.name, current.state);
      current = undefined;
    } else if (name === 'server' && current) {
      const address = args[0];
      const endpoint = Object.keys(current.upstream.servers).find(
        (e) => current!.upstream.servers[e] === address,
      );
      if (!endpoint) continue;
      const isDown = args.includes('down');
      const weight = Number(args.find((a) => a.startsWith('weight='))?.slice(7) ?? 1);
      current.state.weights[endpoint] = isDown ? 0 : weight;
      if (isDown) current.state.down.push(endpoint);
      if (args.includes('backup')) current.state.backup.push(endpoint);
    }
  }
  for (const state of out.values()) {
    state.down.sort();
    state.backup.sort();
  }
  return out;
}
