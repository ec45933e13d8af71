import { isAbsolute, join } from 'node:path';
import { ForecastStage } from '../control/forecast-stage.js';
import { mountForecastsRoutes } from '../http/routes/forecasts.js';
import { mountModelsRoutes } from '../http/routes/models.js';
import type { ModuleFactory } from '../module.js';

/**
 * The forecasting module (issue 4): forecasts every active request-rate signal on
 * `models.forecasting.forecastCron` and retrains on `retrainCron` (one run at a time); the
 * forecasts and models API.
 */
export const createForecastingModule: ModuleFactory = (ctx) => {
  const config = ctx.config.models.forecasting;
  const registryDir = isAbsolute(config.registryDir)
    ? config.registryDir
    : join(ctx.dataDir, config.registryDir);
  const stage = new ForecastStage({
    config,
    store: ctx.store,
    clock: ctx.clock,
    logger: ctx.logger,
    registryDir,
    // Rollups of a step arrive after it closes (collector grace): read as late as detection does.
    settleMs: ctx.config.models.detection.lagSeconds * 1000,
  });
  ctx.services.forecasts = stage;
  ctx.scheduler.cron('forecast', config.forecastCron, async () => {
    await stage.run();
  });
  ctx.scheduler.cron('retrain', config.retrainCron, async (signal) => {
    await stage.retrain(undefined, signal);
  });
  return {
    name: 'forecasting',
    components: [{ name: 'forecasting', start: () => stage.start(), stop: async () => stage.stop() }],
    mountRoutes(api) {
      mountForecastsRoutes(api, { latest: (where) => stage.latest(where), revision: () => stage.revision() });
      mountModelsRoutes(api, { registry: stage.registry, status: () => stage.status() });
    },
    status: () => stage.status(),
  };
};
