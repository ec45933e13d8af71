import { configSchema, type HeadroomConfig } from '../config/schema.js';
import { PROVIDERS } from './scenario.js';

export interface DemoConfigOptions {
  dataDir: string;
  apiPort: number;
  otlpPort: number;
  /** Slack incoming webhook (the local sink or a real one). */
  slackWebhookUrl: string;
  /** InfluxDB 1.x URL; unset: the embedded store under dataDir. */
  influxUrl?: string;
  /** InfluxDB database (the e2e test uses its own). */
  influxDatabase?: string;
  logLevel?: HeadroomConfig['log']['level'];
}

/**
 * The demo's daemon configuration, validated by the real schema: short intervals (5 s rollups
 * and detection steps, a 2 s control loop, forecasts every 10 s at a 10 s step), detectors that
 * warm up on the backfilled hour, the three policies in dry-run (no targets: decided and
 * recorded only), quick alert timing and the Slack notifier.
 */
export function demoConfig(options: DemoConfigOptions): Readonly<HeadroomConfig> {
  const apiUrl = `http://127.0.0.1:${options.apiPort}`;
  return configSchema.parse({
    instance: 'demo',
    dataDir: options.dataDir,
    log: { level: options.logLevel ?? 'warn', format: 'json' },
    api: { host: '127.0.0.1', port: options.apiPort, publicUrl: apiUrl },
    ...(options.influxUrl
      ? {
          store: {
            influx: {
              url: options.influxUrl,
              database: options.influxDatabase ?? 'headroom_demo',
              retentionDays: 3,
            },
          },
        }
      : { store: { embedded: { retentionDays: 3 } } }),
    collectors: {
      otlp: { host: '127.0.0.1', port: options.otlpPort },
      rollup: {
        intervalMs: 5_000,
        graceMs: 1_500,
        providers: Object.fromEntries(Object.entries(PROVIDERS).map(([name, p]) => [name, [p.host]])),
      },
    },
    control: { intervalSeconds: 2, staleAfterSeconds: 30, unchangedRecordSeconds: 60 },
    models: {
      detection: {
        stepSeconds: 5,
        lagSeconds: 7,
        catchUpMinutes: 60,
        detector: {
          type: 'novelty',
          // An hour of 5 s steps (720) is backfilled: the detectors learn nearly all of it before
          // they score, so the synthetic history's own extremes raise no incidents.
          warmupPoints: 700,
          // Short hold so a degradation lasting a minute keeps reporting (default: 50 points).
          suppression: { holdPoints: 2, refractoryPoints: 4 },
        },
      },
      forecasting: {
        // Seasonal naive over yesterday at a 30 s step (the backfill's): it has seen the daily surge.
        model: 'seasonal-naive-daily',
        stepSeconds: 30,
        horizonMinutes: 10,
        historyDays: 2,
        evaluationDays: 0.25,
        forecastCron: '*/15 * * * * *',
        retrainCron: '0 0 1 1 *',
      },
    },
    actuators: {
      policies: {
        routing: [
          {
            provider: 'payments',
            endpoints: [{ name: 'us-east' }, { name: 'eu-west', role: 'backup' }],
            ejectWhen: { errorRatio: 0.2, latencyRatio: 4 },
            ejection: { baseSeconds: 20, maxSeconds: 120 },
          },
        ],
        cacheTtl: [
          {
            provider: 'payments',
            endpoint: '/v1/prices/{id}',
            baseTtlSeconds: 60,
            maxTtlSeconds: 600,
            recovery: { holdSeconds: 20, shortenPercent: 50 },
          },
        ],
        scaling: [
          {
            service: 'checkout',
            capacityPerReplica: 4,
            minReplicas: 2,
            maxReplicas: 20,
            startupDelaySeconds: 60,
            scaleDown: { stabilizationWindowSeconds: 30 },
          },
        ],
      },
    },
    alerts: {
      timing: {
        groupWaitSeconds: 5,
        groupIntervalSeconds: 15,
        repeatIntervalSeconds: 3_600,
        resolveAfterSeconds: 40,
      },
      notifiers: [
        {
          type: 'slack-webhook',
          name: 'demo-slack',
          webhookUrl: options.slackWebhookUrl,
          minSeverity: 'info',
        },
      ],
      outbox: { initialBackoffMs: 500, maxBackoffMs: 5_000 },
      dashboardUrl: apiUrl,
    },
  });
}
