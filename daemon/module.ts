import type { Clock } from '../core/clock.js';
import type { Component, ComponentHealth } from '../core/component.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../core/store.js';
import type { HeadroomConfig } from './config/schema.js';
import type { ApiRoutes } from './http/api-route.js';
import type { Scheduler } from './scheduler.js';
import type { Services } from './services.js';

/** What every module factory receives: validated config and the shared pieces the app built. */
export interface AppContext {
  readonly config: Readonly<HeadroomConfig>;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The store behind the durable spool: `write`/`putRecords` resolve once durable. */
  readonly store: Store;
  /** Value of the `collector` tag this instance writes (`<kind>:<instance>` by convention). */
  readonly instance: string;
  /** Absolute path of config.dataDir. */
  readonly dataDir: string;
  readonly scheduler: Scheduler;
  /** Objects modules share with modules built after them (forecasts, detectors, targets...). */
  readonly services: Services;
}

/**
 * One capability wired into the daemon (collectors, forecasting, detection, actuation, alerts).
 * Its components start in order after the store and before the API server; they stop in reverse.
 */
export interface HeadroomModule {
  readonly name: string;
  readonly components: readonly Component[];
  /** Defines its /api/v1 routes (daemon/http/api-route.ts `defineRoute`). */
  mountRoutes?(api: ApiRoutes): void;
  /** Its part of GET /api/v1/status (no secrets). */
  status?(): Record<string, unknown>;
  health?(): ComponentHealth;
}

export type ModuleFactory = (ctx: AppContext) => HeadroomModule | Promise<HeadroomModule>;
