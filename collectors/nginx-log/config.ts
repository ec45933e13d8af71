import { z } from 'zod';
import { hostPatternSchema } from '../rollup-config.js';

/** One nginx JSON access log to tail (collectors/nginx-log, see README.md there for log_format). */
export const nginxLogConfigSchema = z.strictObject({
  /** Instance name of this log in metrics and logs (letters, digits, `.`, `_`, `-`). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .default('nginx'),
  /** Path of the access log written with the `headroom` log_format. */
  path: z.string().min(1),
  /** Where to begin when the collector starts: only new lines (`end`) or the whole file. */
  startAt: z.enum(['end', 'beginning']).default('end'),
  /** How often the file is checked for new lines and rotation. */
  pollIntervalMs: z.number().int().min(10).max(60_000).default(250),
  /** Longest line accepted; longer lines are skipped and counted. */
  maxLineBytes: z.number().int().min(256).max(1_048_576).default(65_536),
  /** `service` tag of the calls (the application nginx proxies for). */
  service: z.string().min(1).default('nginx'),
  /** `region` tag, when known. */
  region: z.string().min(1).optional(),
  /**
   * Provider names by upstream pattern (matched against each `$upstream_addr` entry with and
   * without its port, then against `$proxy_host`), e.g. `{ payments: ['127.0.0.1:9001'] }`.
   * Then the global `rollup.providers` host patterns apply; then the proxy host name itself.
   */
  upstreams: z.record(z.string().min(1), z.array(hostPatternSchema).min(1)).default({}),
});

export type NginxLogConfig = z.infer<typeof nginxLogConfigSchema>;
