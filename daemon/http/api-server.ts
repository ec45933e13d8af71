import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import type { Component, ComponentHealth } from '../../core/component.js';
import type { Logger } from '../../core/logger.js';
import type { HeadroomConfig } from '../config/schema.js';
import { VERSION } from '../version.js';
import { errorHandler, notFound } from './api-error.js';
import { ApiRegistry } from './api-registry.js';
import { mountMethodFallbacks, type ApiRoutes } from './api-route.js';
import { createApiAuth, type ApiAuth } from './auth.js';
import { answerClientErrors } from './client-errors.js';
import { createApiRateLimit } from './rate-limit.js';
import { MAX_JSON_BODY, queryLengthLimit, requireJsonBody } from './request-limits.js';
import { registerRootOperations } from './root-operations.js';

/** Where the API's routes live. */
export const API_PREFIX = '/api/v1';

export interface ApiServerOptions {
  config: HeadroomConfig['api'];
  logger: Logger;
  /** Prometheus exposition handler (self-telemetry). */
  metricsHandler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Readiness: ok/degraded answer 200, anything else 503. */
  readiness: () => Promise<{ state: ComponentHealth['state']; detail: Record<string, unknown> }>;
  /** Mounts everything under /api/v1 (status, module routes), with `defineRoute`. */
  mountApi: (api: ApiRoutes) => void;
  /** Extra top-level routes (dashboard, openapi.json), mounted before the 404 handler. */
  mountRoot?: (app: Express, auth: ApiAuth) => void;
}

/**
 * The HTTP API server (DESIGN.md "Interfaces people use"): /healthz, /readyz, /metrics,
 * /openapi.json and /api/v1. Binds to loopback unless configured otherwise; TLS when a
 * certificate and key are configured.
 *
 * Under /api/v1, in order: the per-client rate limit (before auth, so that guessing tokens is
 * limited too), auth (read token for GET/HEAD, admin token for everything else, checked before
 * the body is read), JSON bodies only (415) up to MAX_JSON_BODY (413), the routes, then 405 for
 * a known path with another method. Every error, including 404s and body-parser failures, is
 * `{ error: { code, message, field? } }`. /healthz, /readyz and /metrics are not rate limited:
 * probes and scrapers call them at a fixed rate, and refusing a liveness probe gets the daemon
 * restarted.
 */
export class ApiServer implements Component {
  readonly name = 'api';
  readonly app: Express;
  /** The /api/v1 router (the route-coverage test walks its stack). */
  readonly apiRouter: Router;
  /** Every /api/v1 operation and the OpenAPI document generated from them. */
  readonly registry: ApiRegistry;
  private server: Server | undefined;
  private readonly log: Logger;

  constructor(private readonly options: ApiServerOptions) {
    this.log = options.logger.child({ component: 'api' });
    const auth = createApiAuth(options.config);
    const registry = new ApiRegistry({ version: VERSION, prefix: API_PREFIX });
    this.registry = registry;
    registerRootOperations(registry);
    const app = express();
    app.disable('x-powered-by');
    app.set('query parser', 'simple');
    app.set('trust proxy', options.config.trustedProxies);
    app.use(helmet({ contentSecurityPolicy: false }));
    app.use(queryLengthLimit);
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.get('/readyz', async (_req, res) => {
      const { state, detail } = await options.readiness();
      const ready = state === 'ok' || state === 'degraded';
      res.status(ready ? 200 : 503).json({ ready, state, ...detail });
    });
    app.get('/metrics', auth.requireRead, (req, res) => options.metricsHandler(req, res));
    // The document describes the API, not its data: no token needed to read it.
    app.get('/openapi.json', (_req, res) => {
      res.type('application/json').send(registry.documentJson());
    });
    const router = express.Router();
    router.use(createApiRateLimit(options.config.rateLimit, this.log));
    router.use((req, res, next) =>
      req.method === 'GET' || req.method === 'HEAD'
        ? auth.requireRead(req, res, next)
        : auth.requireAdmin(req, res, next),
    );
    router.use(requireJsonBody);
    router.use(express.json({ limit: MAX_JSON_BODY }));
    const api: ApiRoutes = { router, auth, registry };
    options.mountApi(api);
    mountMethodFallbacks(api);
    app.use(API_PREFIX, router);
    this.apiRouter = router;
    options.mountRoot?.(app, auth);
    app.use(notFound);
    app.use(errorHandler(this.log));
    this.app = app;
  }

  async start(): Promise<void> {
    const { host, port, tls } = this.options.config;
    const server = tls
      ? createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, this.app)
      : createHttpServer(this.app);
    server.keepAliveTimeout = 65_000;
    answerClientErrors(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.log.info({ url: this.url() }, 'API listening');
  }

  /** Base URL the server listens on (after start). */
  url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    const host = this.options.config.host.includes(':')
      ? `[${this.options.config.host}]`
      : this.options.config.host;
    return `${this.options.config.tls ? 'https' : 'http'}://${host}:${address?.port ?? this.options.config.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }
}
