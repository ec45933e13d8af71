import { FakeClock } from '../../core/clock.js';
import type { Store } from '../../core/store.js';
import { apiConfigSchema } from '../../daemon/config/schema.js';
import { ApiServer } from '../../daemon/http/api-server.js';
import { mountSeriesRoutes } from '../../daemon/http/routes/series.js';
import { mountSignalsRoutes } from '../../daemon/http/routes/signals.js';
import type { ErrorSampleSink } from '../../core/error-samples.js';
import { otlpConfigSchema, type OtlpConfig } from '../otlp/config.js';
import { OtlpCollector } from '../otlp/otlp-collector.js';
import { rollupConfigSchema, type RollupConfig } from '../rollup-config.js';
import { MemoryStore } from './memory-store.js';
import { testLogger } from './test-logger.js';

/** An epoch-aligned start time for tests (a multiple of every interval used). */
export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

export interface OtlpHarnessOptions {
  otlp?: Partial<OtlpConfig>;
  rollup?: Partial<RollupConfig>;
  /** A store, or a factory given the harness clock; default an in-memory store. */
  store?: Store | ((clock: FakeClock) => Store);
  errorSamples?: ErrorSampleSink;
}

/**
 * A real OTLP receiver (loopback, free port) with its rollup on a fake clock, writing to a
 * store, plus a real API server with the series and signals routes: what the daemon wires,
 * without the rest of the daemon.
 */
export class OtlpHarness {
  readonly clock = new FakeClock(T0);
  readonly store: Store;
  readonly collector: OtlpCollector;
  readonly api: ApiServer;
  private readonly intervalMs: number;

  constructor(options: OtlpHarnessOptions = {}) {
    this.store =
      typeof options.store === 'function' ? options.store(this.clock) : (options.store ?? new MemoryStore());
    const logger = testLogger();
    const rollup = rollupConfigSchema.parse({ ...options.rollup });
    this.intervalMs = rollup.intervalMs;
    this.collector = new OtlpCollector({
      otlp: otlpConfigSchema.parse({ host: '127.0.0.1', port: 0, ...options.otlp }),
      rollup,
      instance: 'test-1',
      sink: this.store,
      clock: this.clock,
      logger,
      ...(options.errorSamples ? { errorSamples: options.errorSamples } : {}),
    });
    this.api = new ApiServer({
      config: apiConfigSchema.parse({ host: '127.0.0.1', port: 0 }),
      logger,
      metricsHandler: (_req, res) => res.end(),
      readiness: async () => ({ state: 'ok', detail: {} }),
      mountApi: (api) => {
        mountSeriesRoutes(api, { store: this.store, clock: this.clock });
        mountSignalsRoutes(api, { store: this.store, clock: this.clock });
      },
    });
  }

  /** Starts the store, the collector and the API. */
  async start(): Promise<void> {
    await this.store.start();
    for (const c of this.collector.components) await c.start(new AbortController().signal);
    await this.api.start();
  }

  async stop(): Promise<void> {
    await this.api.stop();
    for (const c of [...this.collector.components].reverse()) await c.stop();
    await this.store.stop();
  }

  get otlpUrl(): string {
    return this.collector.receiver.url();
  }

  /** Moves the clock past the grace period of every interval up to `timeMs` and writes them. */
  async flushThrough(timeMs: number): Promise<void> {
    this.clock.set(Math.max(this.clock.now(), timeMs + this.intervalMs + 60_000));
    await this.collector.rollup.flushDue();
  }

  /** GET on the API, parsed JSON and status. */
  async get<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.api.url()}/api/v1${path}`);
    return { status: res.status, body: (await res.json()) as T };
  }
}
