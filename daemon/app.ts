import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import type { Component, ComponentHealth } from '../core/component.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../core/store.js';
import type { HeadroomConfig } from './config/schema.js';
import type { ApiRoutes } from './http/api-route.js';
import { ApiServer } from './http/api-server.js';
import { dashboardRoutes } from './http/dashboard/dashboard-routes.js';
import { mountStatusRoutes, type StatusBody } from './http/routes/status.js';
import type { AppContext, HeadroomModule, ModuleFactory } from './module.js';
import { MODULES } from './modules/registry.js';
import { Scheduler } from './scheduler.js';
import type { Services } from './services.js';
import { SelfTelemetry } from './telemetry.js';
import { VERSION } from './version.js';

export interface AppOptions {
  config: Readonly<HeadroomConfig>;
  logger: Logger;
  /** Builds the store (behind its spool) from config; storage/create-store.ts in production. */
  createStore: (ctx: {
    config: Readonly<HeadroomConfig>;
    dataDir: string;
    logger: Logger;
    clock: Clock;
  }) => Store;
  clock?: Clock;
  /** Modules to build; the registry by default (tests pass a subset). */
  modules?: readonly { readonly name: string; readonly create: ModuleFactory }[];
}

/**
 * Builds every component from config, starts them in order (store, modules, scheduler, API) and
 * stops them in reverse, so that the API stops taking requests first and the store flushes
 * last. The only place where capabilities meet.
 */
export class App {
  readonly config: Readonly<HeadroomConfig>;
  readonly instance: string;
  readonly dataDir: string;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly startedAtMs: number;
  private telemetry: SelfTelemetry | undefined;
  private store: Store | undefined;
  private scheduler: Scheduler | undefined;
  private api: ApiServer | undefined;
  private readonly modules: HeadroomModule[] = [];
  private readonly started: Component[] = [];
  private readonly abort = new AbortController();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: AppOptions) {
    this.config = options.config;
    this.log = options.logger;
    this.clock = options.clock ?? systemClock;
    this.instance = options.config.instance ?? hostname().replace(/[^A-Za-z0-9._-]/g, '-');
    this.dataDir = resolve(options.config.dataDir);
    this.startedAtMs = this.clock.now();
  }

  /** Builds and starts everything; on failure stops what had started and rethrows. */
  async start(): Promise<void> {
    const { config, logger } = this.options;
    this.telemetry = new SelfTelemetry(config.telemetry, this.instance, logger);
    try {
      const store = this.options.createStore({ config, dataDir: this.dataDir, logger, clock: this.clock });
      this.store = store;
      await this.startComponent(asComponent('store', store));
      const scheduler = new Scheduler(logger);
      this.scheduler = scheduler;
      const services: Services = {};
      const ctx: AppContext = {
        config,
        logger,
        clock: this.clock,
        store,
        instance: this.instance,
        dataDir: this.dataDir,
        scheduler,
        services,
      };
      for (const { name, create } of this.options.modules ?? MODULES) {
        const module = await create(ctx);
        this.modules.push(module);
        for (const component of module.components) await this.startComponent(component);
        this.log.debug({ module: name }, 'module started');
      }
      await this.startComponent(scheduler);
      const telemetry = this.telemetry;
      this.api = new ApiServer({
        config: config.api,
        logger,
        metricsHandler: (req, res) => telemetry.metricsHandler(req, res),
        readiness: () => this.readiness(),
        mountApi: (api) => this.mountApi(api),
        mountRoot: (app) => {
          app.use(dashboardRoutes());
        },
      });
      await this.startComponent(this.api);
      this.log.info(
        { version: VERSION, store: store.kind, api: this.api.url(), instance: this.instance },
        'headroom started',
      );
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stops in reverse start order; idempotent; flushes acknowledged data to store or spool. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      for (const component of this.started.reverse()) {
        try {
          await component.stop();
        } catch (err) {
          this.log.error({ component: component.name, err: errorMessage(err) }, 'stop failed');
        }
      }
      await this.telemetry?.shutdown();
    })();
    return this.stopping;
  }

  /** URL of the API server once started. */
  apiUrl(): string | undefined {
    return this.api?.url();
  }

  /** The API server once started (tests walk its routes and registry). */
  apiServer(): ApiServer | undefined {
    return this.api;
  }

  private async startComponent(component: Component): Promise<void> {
    await component.start(this.abort.signal);
    this.started.push(component);
  }

  private async readiness(): Promise<{ state: ComponentHealth['state']; detail: Record<string, unknown> }> {
    const store = await this.storeHealth();
    return { state: store.state, detail: { store } };
  }

  private async storeHealth(): Promise<{ kind: string; state: ComponentHealth['state']; detail: string }> {
    const store = this.store;
    if (!store) return { kind: 'none', state: 'down', detail: 'not started' };
    try {
      const health = await store.health();
      const state = health.ok ? 'ok' : health.state === 'spooling' ? 'degraded' : 'down';
      return { kind: store.kind, state, detail: health.detail };
    } catch (err) {
      return { kind: store.kind, state: 'down', detail: errorMessage(err) };
    }
  }

  private mountApi(api: ApiRoutes): void {
    mountStatusRoutes(api, () => this.status());
    for (const module of this.modules) module.mountRoutes?.(api);
  }

  private async status(): Promise<StatusBody> {
    const components = this.started.map((c) => ({
      name: c.name,
      ...(c.health?.() ?? { state: 'ok' as const, detail: '' }),
    }));
    return {
      version: VERSION,
      instance: this.instance,
      // The server's "now": the dashboard computes its time ranges from it, not the browser's clock.
      nowMs: this.clock.now(),
      uptimeSeconds: Math.round((this.clock.now() - this.startedAtMs) / 1000),
      store: await this.storeHealth(),
      components,
      modules: Object.fromEntries(this.modules.map((m) => [m.name, m.status?.() ?? {}])),
    };
  }
}

function asComponent(name: string, store: Store): Component {
  return { name, start: (signal) => store.start(signal), stop: () => store.stop() };
}
