import { z } from 'zod';
import { tlsConfigSchema } from '../../core/schemas.js';
import { actuatorsConfigSchema } from '../../actuators/config.js';
import { alertsConfigSchema } from '../../alerts/config.js';
import { collectorsConfigSchema } from '../../collectors/config.js';
import { modelsConfigSchema } from '../../models/config.js';
import { storeConfigSchema } from '../../storage/config.js';

/** Per-client rate limit of /api/v1 (daemon/http/rate-limit.ts). */
export const apiRateLimitSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Length of the fixed window requests are counted in. */
  windowSeconds: z.number().int().min(1).max(3_600).default(60),
  /**
   * Requests one client (IP address; IPv6 by /56 prefix) may make per window; past it, 429 with
   * Retry-After. 1,200/min leaves room for several dashboards refreshing every few seconds.
   */
  maxRequests: z.number().int().min(1).default(1_200),
});

export const apiConfigSchema = z.strictObject({
  /** Loopback by default: expose deliberately. */
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(8080),
  /** Bearer token for read endpoints; when unset, reads are open on loopback only. */
  readToken: z.string().min(16).optional(),
  /** Bearer token for mutating endpoints; when unset, mutating endpoints are refused. */
  adminToken: z.string().min(16).optional(),
  tls: tlsConfigSchema.optional(),
  /** Public URL of the dashboard, for links in notifications. */
  publicUrl: z.url().optional(),
  rateLimit: apiRateLimitSchema.prefault({}),
  /**
   * Reverse proxies in front of the API whose X-Forwarded-For is trusted for the client address
   * (what the rate limit counts by). 0: the socket's address.
   */
  trustedProxies: z.number().int().min(0).max(10).default(0),
});

export const logConfigSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** 'pretty' for people at a terminal, 'json' for log shippers; 'auto' picks by TTY. */
  format: z.enum(['auto', 'json', 'pretty']).default('auto'),
});

export const telemetryConfigSchema = z.strictObject({
  /**
   * OTLP/HTTP traces endpoint for Headroom's own spans (e.g. http://collector:4318/v1/traces).
   * Unset: no trace export. Never defaults to Headroom's own receiver (no feedback loop).
   */
  otlpTracesUrl: z.url().optional(),
  serviceName: z.string().min(1).default('headroom'),
});

export const controlConfigSchema = z.strictObject({
  /** How often the control loop runs: score closed steps, decide, act, alert. */
  intervalSeconds: z.number().int().min(1).max(3_600).default(10),
  /** A policy whose subject has no telemetry newer than this holds its last state (fail-static). */
  staleAfterSeconds: z.number().int().min(1).max(86_400).default(180),
  /** An unchanged decision is recorded again at most this often; every change is recorded. */
  unchangedRecordSeconds: z.number().int().min(0).max(86_400).default(300),
});

export const configSchema = z.strictObject({
  /** This instance's name, written as the `collector` tag; default: the host name. */
  instance: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"')
    .optional(),
  /** Where the embedded store, spool, model registry and state live. */
  dataDir: z.string().min(1).default('./data'),
  log: logConfigSchema.prefault({}),
  api: apiConfigSchema.prefault({}),
  telemetry: telemetryConfigSchema.prefault({}),
  store: storeConfigSchema.prefault({}),
  collectors: collectorsConfigSchema.prefault({}),
  models: modelsConfigSchema.prefault({}),
  control: controlConfigSchema.prefault({}),
  actuators: actuatorsConfigSchema.prefault({}),
  alerts: alertsConfigSchema.prefault({}),
});

export type HeadroomConfig = z.infer<typeof configSchema>;
