import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../core/clock.js';
import type { Store } from '../../../core/store.js';
import { RECORD_KINDS } from '../../../core/records/index.js';
import { testLogger } from '../../../collectors/testing/test-logger.js';
import { embeddedConfigSchema } from '../../../storage/config.js';
import { createStore } from '../../../storage/create-store.js';
import { EmbeddedStore } from '../../../storage/embedded/embedded-store.js';
import { freePort } from '../../../test/helpers/free-port.js';
import { WebhookReceiver } from '../../../test/helpers/webhook-receiver.js';
import { App } from '../../app.js';
import { configSchema } from '../../config/schema.js';
import type { ApiServer } from '../api-server.js';
import { seedExampleData } from './example-data.js';

export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
export const READ_TOKEN = 'read-token-0123456789abcdef';
/** The time the API examples are written at (2026-01-05T14:00Z). */
export const EXAMPLE_NOW_MS = Date.UTC(2026, 0, 5, 14, 0, 0);

const WEBHOOK_SECRET = 'webhook-secret-0123456789';

/**
 * The real daemon (every module, EmbeddedStore behind its spool, a temp data dir, free ports) on
 * a fake clock at EXAMPLE_NOW_MS, with the admin token set, a webhook target `edge-proxy` (the
 * one the examples name) delivering to a local receiver, and the control loop effectively idle
 * (hourly), so that only API calls change state.
 */
export class ApiTestApp {
  private constructor(
    readonly app: App,
    readonly store: Store,
    readonly clock: FakeClock,
    readonly url: string,
    private readonly receiver: WebhookReceiver,
    private readonly dataDir: string,
  ) {}

  /**
   * `seed`: writes the data the API examples talk about (testing/example-data.ts) before the
   * daemon starts; `api`: config overrides of the `api` section.
   */
  static async start(
    options: { api?: Record<string, unknown>; clock?: FakeClock; seed?: boolean } = {},
  ): Promise<ApiTestApp> {
    const clock = options.clock ?? new FakeClock(EXAMPLE_NOW_MS);
    const dataDir = mkdtempSync(join(tmpdir(), 'headroom-api-app-'));
    if (options.seed) {
      const seeded = new EmbeddedStore(embeddedConfigSchema.parse({}), {
        logger: testLogger(),
        clock,
        path: join(dataDir, 'headroom.sqlite'),
      });
      await seeded.start();
      await seedExampleData(seeded, clock.now());
      await seeded.stop();
    }
    const receiver = await WebhookReceiver.start(WEBHOOK_SECRET, () => Math.floor(clock.now() / 1000));
    const config = configSchema.parse({
      instance: 'node-a',
      dataDir,
      log: { level: 'silent' },
      api: {
        host: '127.0.0.1',
        port: 0,
        adminToken: ADMIN_TOKEN,
        rateLimit: { enabled: false },
        ...options.api,
      },
      collectors: { otlp: { host: '127.0.0.1', port: await freePort() } },
      control: { intervalSeconds: 3_600 },
      actuators: {
        guard: { maxAttempts: 1, timeoutMs: 2_000 },
        targets: [{ id: 'edge-proxy', kind: 'webhook', url: receiver.url, secret: WEBHOOK_SECRET }],
      },
    });
    let store: Store | undefined;
    const app = new App({
      config,
      logger: testLogger(),
      clock,
      createStore: ({ config: c, dataDir: dir, logger, clock: appClock }) =>
        (store = createStore(c.store, { dataDir: dir, logger, clock: appClock })),
    });
    try {
      await app.start();
    } catch (err) {
      await receiver.stop();
      rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    return new ApiTestApp(app, store!, clock, app.apiUrl()!, receiver, dataDir);
  }

  get api(): ApiServer {
    return this.app.apiServer()!;
  }

  /**
   * Everything the API can change, serialised: every stored record of every kind, each target's
   * operator state (pause, overrides) and the silences. Equal before and after: nothing mutated.
   */
  async snapshot(): Promise<string> {
    const records = [];
    for (const kind of RECORD_KINDS) {
      records.push(await this.store.queryRecords({ kind, order: 'asc', limit: 100_000 }));
    }
    const get = async (path: string): Promise<unknown> =>
      (
        await fetch(`${this.url}/api/v1${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      ).json();
    return JSON.stringify({
      records,
      targets: await get('/targets'),
      silences: await get('/silences?state=all'),
    });
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.receiver.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
