import { join } from 'node:path';
import type { Component, ComponentHealth } from '../../core/component.js';
import { ErrorSampleHub } from '../../collectors/error-sample-hub.js';
import { NginxLogCollector } from '../../collectors/nginx-log/nginx-log-collector.js';
import { OtlpCollector } from '../../collectors/otlp/otlp-collector.js';
import { ProbeCollector } from '../../collectors/probe/probe-collector.js';
import type { Rollup } from '../../collectors/rollup.js';
import { mountSeriesRoutes } from '../http/routes/series.js';
import { mountSignalsRoutes } from '../http/routes/signals.js';
import type { ModuleFactory } from '../module.js';

/**
 * The collectors module (DESIGN.md "Telemetry model"): the OTLP/HTTP receiver, nginx access-log
 * tailers and synthetic probes, each with its own rollup (collector tags `otlp:<instance>`,
 * `nginx:<instance>`, `probe:<instance>`) writing to the store behind the spool; and the read
 * API `GET /api/v1/series` and `GET /api/v1/signals`.
 *
 * Error samples go to an ErrorSampleHub published as `services.errorSamples`, so that the
 * alerts module, built later, can subscribe.
 */
export const createCollectorsModule: ModuleFactory = (ctx) => {
  const config = ctx.config.collectors;
  const hub = new ErrorSampleHub();
  ctx.services.errorSamples = hub;
  const stateDir = join(ctx.dataDir, 'collectors');
  const common = {
    rollup: config.rollup,
    instance: ctx.instance,
    sink: ctx.store,
    clock: ctx.clock,
    logger: ctx.logger,
    stateDir,
  };
  const components: Component[] = [];
  const rollups: Rollup[] = [];

  if (config.otlp.enabled) {
    const otlp = new OtlpCollector({ ...common, otlp: config.otlp, errorSamples: hub });
    components.push(...otlp.components);
    rollups.push(otlp.rollup);
  }
  if (config.nginxLogs.length > 0) {
    const nginx = new NginxLogCollector({ ...common, logs: config.nginxLogs });
    components.push(...nginx.components);
    rollups.push(nginx.rollup);
  }
  if (config.probes.length > 0) {
    const probes = new ProbeCollector({ ...common, probes: config.probes });
    probes.schedule(ctx.scheduler);
    components.push(...probes.components);
    rollups.push(probes.rollup);
  }

  return {
    name: 'collectors',
    components,
    mountRoutes(api) {
      mountSeriesRoutes(api, { store: ctx.store, clock: ctx.clock });
      mountSignalsRoutes(api, { store: ctx.store, clock: ctx.clock });
    },
    status: () => ({ rollups: rollups.map((r) => r.status()) }),
    health(): ComponentHealth {
      const degraded = components.map((c) => c.health?.()).find((h) => h && h.state !== 'ok');
      return degraded ?? { state: 'ok', detail: `${rollups.length} collectors` };
    },
  };
};
