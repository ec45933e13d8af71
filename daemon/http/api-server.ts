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
import { errorHandler, notFound } from './api-error.js';
import { createApiAuth, type ApiAuth } from './auth.js';

export interface ApiServerOptions {
  config: HeadroomConfig['api'];
  logger: Logger;
  /** Prometheus exposition handler (self-telemetry). */
  metricsHandler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Readiness: ok/degraded answer 200, anything else 503. */
  readiness: () => Promise<{ state: ComponentHealth['state']; detail: Record<string, unknown> }>;
  /** Mounts everything under /api/v1 (status, module routes). */
  mountApi: (router: Router, auth: ApiAuth) => void;
  /** Extra top-level routes (dashboard, openapi.json), mounted before the 404 handler. */
  mountRoot?: (app: Express, auth: ApiAuth) => void;
}

/**
 * The HTTP API server (DESIGN.md "Interfaces people use"): /healthz, /readyz, /metrics, /api/v1.
 * Binds to loopback unless configured otherwise; TLS when a certificate and key are configured.
 */
export class ApiServer implements Component {
  readonly name = 'api';
  readonly app: Express;
  private server: Server | undefined;
  private readonly log: Logger;

  constructor(private readonly options: ApiServerOptions) {
    this.log = options.logger.child({ component: 'api' });
    const auth = createApiAuth(options.config);
    const app = express();
    app.disable('x-powered-by');
    app.set('query parser', 'simple');
    app.use(helmet({ contentSecurityPolicy: false }));
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    app.get('/readyz', async (_req, res) => {
      const { state, detail } = await options.readiness();
      const ready = state === 'ok' || state === 'degraded';
      res.status(ready ? 200 : 503).json({ ready, state, ...detail });
    });
    app.get('/metrics', auth.requireRead, (req, res) => options.metricsHandler(req, res));
    const api = express.Router();
    // Reads need the read token (or loopback); every mutating call needs the admin token, checked
    // before the body is even parsed.
    api.use((req, res, next) =>
      req.method === 'GET' || req.method === 'HEAD'
        ? auth.requireRead(req, res, next)
        : auth.requireAdmin(req, res, next),
    );
    api.use(express.json({ limit: '256kb' }));
    options.mountApi(api, auth);
    app.use('/api/v1', api);
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
