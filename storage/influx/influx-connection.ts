import { readFileSync } from 'node:fs';
import { InfluxDB, type IPoolOptions } from 'influx';
import { errorMessage, HeadroomError } from '../../core/errors.js';
import type { InfluxConfig } from '../config.js';

/** Connection details derived from config: credentials kept apart from what messages may show. */
export interface InfluxConnection {
  /** Query/admin client (node-influx). */
  readonly client: InfluxDB;
  /** `scheme://host:port` without credentials, path or query: safe for logs and errors. */
  readonly origin: string;
  readonly authorization: string | undefined;
  readonly ca: Buffer | undefined;
}

/**
 * node-influx takes a host out of its pool for a growing backoff (up to 10 s) after a network
 * error, failing every call meanwhile with "No host available". The spool does the retrying here,
 * so the host is never disabled: a restarted server is used as soon as it answers.
 */
const noBackoff: NonNullable<IPoolOptions['backoff']> = {
  getDelay: () => 0,
  next: () => noBackoff,
  reset: () => noBackoff,
};

/** Strips credentials, path and query from a URL for messages. */
export function redactUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

export function connectInflux(config: InfluxConfig): InfluxConnection {
  const url = new URL(config.url);
  // Credentials may come in the URL (user:pass@host); explicit settings win.
  const username = config.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = config.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  let ca: Buffer | undefined;
  try {
    ca = config.caFile ? readFileSync(config.caFile) : undefined;
  } catch (err) {
    throw new HeadroomError(
      'config_invalid',
      `store.influx.caFile: cannot read ${config.caFile}: ${errorMessage(err)}`,
    );
  }
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const client = new InfluxDB({
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80,
    protocol,
    ...(url.pathname !== '/' ? { path: url.pathname } : {}),
    database: config.database,
    ...(username !== undefined ? { username, password: password ?? '' } : {}),
    ...(ca ? { options: { ca } } : {}),
    pool: { maxRetries: 0, requestTimeout: config.timeoutMs, backoff: noBackoff },
  });
  const authorization =
    username !== undefined
      ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`
      : undefined;
  return {
    client,
    origin: url.origin + (url.pathname !== '/' ? url.pathname.replace(/\/$/, '') : ''),
    authorization,
    ca,
  };
}

/** One statement's result as InfluxDB 1.x returns it (JSON, epoch timestamps). */
export interface InfluxResult {
  error?: string;
  series?: {
    name?: string;
    tags?: Record<string, string>;
    columns: string[];
    values: unknown[][];
  }[];
}

/**
 * Runs InfluxQL through node-influx, always as POST (1.x refuses writes such as SELECT … INTO or
 * CREATE over GET, and long queries fit a body better than a URL). Statement errors become a
 * non-retryable `store_query_failed`; transport errors a retryable `store_unreachable`.
 */
export async function runQuery(
  conn: InfluxConnection,
  query: string,
  options: { database?: string; precision?: 'ms'; signal?: AbortSignal } = {},
): Promise<InfluxResult[]> {
  let body: { results?: InfluxResult[]; error?: string };
  try {
    body = (await conn.client.queryRaw(query, {
      method: 'POST',
      ...(options.database ? { database: options.database } : {}),
      ...(options.precision ? { precision: options.precision } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    })) as { results?: InfluxResult[]; error?: string };
  } catch (err) {
    throw queryError(conn, err);
  }
  if (body.error) throw new HeadroomError('store_query_failed', `InfluxDB at ${conn.origin}: ${body.error}`);
  const results = body.results ?? [];
  const failed = results.find((r) => r.error);
  if (failed) throw new HeadroomError('store_query_failed', `InfluxDB at ${conn.origin}: ${failed.error}`);
  return results;
}

function queryError(conn: InfluxConnection, err: unknown): HeadroomError {
  if (err instanceof HeadroomError) return err;
  const message = errorMessage(err);
  const status = (err as { res?: { statusCode?: number } }).res?.statusCode;
  if (status === 401 || status === 403) {
    return new HeadroomError(
      'store_auth',
      `InfluxDB at ${conn.origin} refused the credentials (HTTP ${status})`,
      {
        retryable: true,
        cause: err,
      },
    );
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new HeadroomError('store_query_failed', `InfluxDB at ${conn.origin}: ${message}`, { cause: err });
  }
  return new HeadroomError('store_unreachable', `InfluxDB at ${conn.origin} is unreachable: ${message}`, {
    retryable: true,
    cause: err,
  });
}
