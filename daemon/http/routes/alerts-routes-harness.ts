import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { AlertsService } from '../../../alerts/alerts-service.js';
import { alertsConfigSchema } from '../../../alerts/config.js';
import { SqliteRecordStore } from '../../../alerts/testing/sqlite-record-store.js';
import { FakeClock } from '../../../core/clock.js';
import { apiConfigSchema } from '../../config/schema.js';
import { ApiServer } from '../api-server.js';
import { mountIncidentRoutes } from './incidents.js';
import { mountSilenceRoutes } from './silences.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read loosely in tests
export type Json = Record<string, any>;

export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const READ_TOKEN = 'read-token-0123456789abcdef';

/** Test support: the API server with the incidents and silences routes over a real AlertsService, for route tests. */
export class ApiHarness {
  private constructor(
    readonly api: ApiServer,
    readonly alerts: AlertsService,
    readonly store: SqliteRecordStore,
    readonly clock: FakeClock,
    private readonly dir: string,
  ) {}

  static async start(): Promise<ApiHarness> {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 14, 0));
    const logger = pino({ level: 'silent' });
    const dir = mkdtempSync(join(tmpdir(), 'headroom-api-'));
    const store = await SqliteRecordStore.open(dir, clock);
    const alerts = new AlertsService({
      config: alertsConfigSchema.parse({}),
      store,
      logger,
      clock,
      dataDir: dir,
      delivery: 'manual',
    });
    await alerts.start();
    const api = new ApiServer({
      config: apiConfigSchema.parse({ port: 0, adminToken: ADMIN_TOKEN, readToken: READ_TOKEN }),
      logger,
      metricsHandler: (_req, res) => res.end(),
      readiness: async () => ({ state: 'ok', detail: {} }),
      mountApi: (api) => {
        mountIncidentRoutes(api, alerts, clock);
        mountSilenceRoutes(api, alerts, clock);
      },
    });
    await api.start();
    return new ApiHarness(api, alerts, store, clock, dir);
  }

  async request(
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${this.api.url()}/api/v1${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
  }

  async stop(): Promise<void> {
    await this.api.stop();
    await this.alerts.stop();
    await this.store.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
