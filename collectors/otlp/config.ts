import { z } from 'zod';
import { tlsConfigSchema } from '../../core/schemas.js';

/** The OTLP/HTTP receiver (collectors/otlp/otlp-receiver.ts). */
export const otlpConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /**
   * Loopback by default (Headroom binds nothing public unless told to); set 0.0.0.0 to receive
   * from other hosts or containers, as the Docker image does, ideally with `bearerToken`.
   */
  host: z.string().min(1).default('127.0.0.1'),
  /** OTLP/HTTP default port (OTLP specification, "OTLP/HTTP Default Port"). */
  port: z.number().int().min(0).max(65_535).default(4318),
  /** Largest request body, before and after gzip decompression (spec recommends 20 MiB). */
  maxBodyBytes: z
    .number()
    .int()
    .min(1_024)
    .max(512 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  /** Requests being received and decoded at once; more are answered 429 with Retry-After. */
  maxConcurrentRequests: z.number().int().min(1).max(10_000).default(64),
  /**
   * Request body bytes held at once across requests (memory bound); past it, new requests get
   * 429 with Retry-After. A single request up to maxBodyBytes is always let through alone.
   */
  maxInFlightBytes: z
    .number()
    .int()
    .min(1_024)
    .default(64 * 1024 * 1024),
  /** HTTPS with this certificate and key (OTLP/HTTP over TLS); plain HTTP when unset. */
  tls: tlsConfigSchema.optional(),
  /** When set, requests must carry `Authorization: Bearer <token>` (compared in constant time). */
  bearerToken: z.string().min(16).optional(),
  /** Retry-After (seconds) sent when shedding load. */
  retryAfterSeconds: z.number().int().min(1).max(3_600).default(5),
});

export type OtlpConfig = z.infer<typeof otlpConfigSchema>;
