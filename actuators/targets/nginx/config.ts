import { z } from 'zod';
import { CONTROL_STATE_SCHEMAS, subjectSchema } from '../../control-states.js';

/** nginx names (zones, upstreams, file name parts): letters, digits, underscore. */
const nginxName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'letters, digits and "_" (an nginx name)');

/** One `limit_req_zone` Headroom owns, for the rate_limit control of `subject`. */
export const nginxRateLimitSchema = z.strictObject({
  subject: subjectSchema,
  /** Zone name, used by `limit_req zone=<zone>` in the snippet Headroom writes. */
  zone: nginxName,
  /**
   * The limit_req_zone key. A constant-per-server variable (`$server_name`) gives an aggregate
   * limit (provider quotas); `$binary_remote_addr` limits per client. Requests whose key is empty
   * are not limited (nginx semantics).
   */
  key: z.string().regex(/^\S+$/, 'an nginx variable or string without spaces').default('$server_name'),
  /** Shared memory size of the zone (nginx size syntax). */
  zoneSize: z
    .string()
    .regex(/^\d+[kKmM]?$/, 'an nginx size such as 10m')
    .default('10m'),
  /** State written when the file does not exist yet (first start). */
  initial: CONTROL_STATE_SCHEMAS.rate_limit,
});

/** One location's `proxy_cache_valid` (and stale-on-error) Headroom owns, for cache_ttl. */
export const nginxCacheSchema = z.strictObject({
  subject: subjectSchema,
  name: nginxName,
  /** Response statuses the TTL applies to. */
  statuses: z.array(z.number().int().min(100).max(599)).min(1).default([200, 301, 302]),
  initial: CONTROL_STATE_SCHEMAS.cache_ttl,
});

/** One `upstream` block Headroom owns, for the routing control of `subject`. */
export const nginxUpstreamSchema = z.strictObject({
  subject: subjectSchema,
  /** Upstream name, used by `proxy_pass http://<name>`. */
  name: nginxName,
  /** Endpoint (as the routing policy names it) to nginx server address (`host:port`, `unix:`). */
  servers: z
    .record(z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'an endpoint name'), z.string().regex(/^\S+$/))
    .refine((s) => Object.keys(s).length > 0, 'at least one server'),
  /** Extra directives inside the block (e.g. `keepalive 16;`), written verbatim. */
  extra: z.array(z.string().regex(/^[^{}#\n]*;$/, 'one directive ending in ";"')).default([]),
});

/** Settings of an nginx target (besides id, kind, mode, bounds, guard). */
export const nginxSettingsSchema = z.strictObject({
  /** Directory of the include files Headroom owns (created if missing). */
  dir: z.string().min(1),
  binary: z.string().min(1).default('/usr/sbin/nginx'),
  /** Main configuration file (`nginx -c`); nginx's compiled-in default when absent. */
  configFile: z.string().min(1).optional(),
  /** Prefix path (`nginx -p`). */
  prefix: z.string().min(1).optional(),
  /** Master pid file: needed to verify reloads and for `reload: signal`. */
  pidFile: z.string().min(1).optional(),
  /** `command`: `nginx -s reload`; `signal`: SIGHUP to the pid in pidFile. */
  reload: z.enum(['command', 'signal']).default('command'),
  /**
   * After a reload, wait up to this long for the master to start new workers; if it does not,
   * the reload was refused (nginx -t cannot see every runtime conflict) and the files are rolled
   * back. 0 disables the check. Needs pidFile.
   */
  verifyReloadMs: z.number().int().min(0).max(60_000).default(5_000),
  /** Status answered to requests over the limit (nginx's own default is 503). */
  limitStatus: z.number().int().min(400).max(599).default(429),
  rateLimits: z.array(nginxRateLimitSchema).default([]),
  caches: z.array(nginxCacheSchema).default([]),
  upstreams: z.array(nginxUpstreamSchema).default([]),
});

/** Cross-field checks (unique names and subjects), reported by actuators/config.ts with paths. */
export function nginxSettingsIssues(s: NginxSettings): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const unique = <T>(list: readonly T[], field: string, value: (t: T) => string, what: string): void => {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      const v = value(item);
      if (seen.has(v)) issues.push({ path: [field, i], message: `duplicate ${what} ${JSON.stringify(v)}` });
      seen.add(v);
    });
  };
  const subjectText = (t: { subject: Record<string, string> }): string =>
    JSON.stringify(Object.entries(t.subject).sort());
  unique(s.rateLimits, 'rateLimits', (r) => r.zone, 'zone');
  unique(s.rateLimits, 'rateLimits', subjectText, 'subject');
  unique(s.caches, 'caches', (c) => c.name, 'name');
  unique(s.caches, 'caches', subjectText, 'subject');
  unique(s.upstreams, 'upstreams', (u) => u.name, 'name');
  unique(s.upstreams, 'upstreams', subjectText, 'subject');
  if (s.reload === 'signal' && !s.pidFile)
    issues.push({ path: ['pidFile'], message: 'required when reload is "signal"' });
  return issues;
}

export type NginxSettings = z.infer<typeof nginxSettingsSchema>;
export type NginxRateLimit = z.infer<typeof nginxRateLimitSchema>;
export type NginxCache = z.infer<typeof nginxCacheSchema>;
export type NginxUpstream = z.infer<typeof nginxUpstreamSchema>;
