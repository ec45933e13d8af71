import { join } from 'node:path';
import { ControlLoop, type ActuationStage } from '../control/control-loop.js';
import { DetectionStage } from '../control/detection-stage.js';
import { mountAnomaliesRoutes } from '../http/routes/anomalies.js';
import type { ModuleFactory } from '../module.js';

/**
 * The control loop module: anomaly detection on every watched signal, then decisions for every
 * configured policy through the guarded targets, then alerts, every `control.intervalSeconds`;
 * the anomalies API. Built last: it uses the services the other modules offer.
 */
export function createControlModule(
  createActuation?: (ctx: Parameters<ModuleFactory>[0]) => ActuationStage | undefined,
): ModuleFactory {
  return async (ctx) => {
    const detectionConfig = ctx.config.models.detection;
    const detection = detectionConfig.enabled
      ? new DetectionStage({
          config: detectionConfig,
          store: ctx.store,
          clock: ctx.clock,
          logger: ctx.logger,
          stateDir: join(ctx.dataDir, 'state'),
        })
      : undefined;
    ctx.services.detection = detection;
    const actuation = createActuation?.(ctx);
    const loop = new ControlLoop({
      store: ctx.store,
      clock: ctx.clock,
      logger: ctx.logger,
      ...(detection ? { detection } : {}),
      ...(ctx.services.forecasts ? { forecasts: ctx.services.forecasts } : {}),
      ...(ctx.services.alerts ? { alerts: ctx.services.alerts } : {}),
      ...(actuation ? { actuation } : {}),
    });
    ctx.scheduler.every('control-loop', ctx.config.control.intervalSeconds * 1000, (signal) =>
      loop.run(signal),
    );
    if (detection) {
      ctx.scheduler.every('detector-snapshot', detectionConfig.snapshotIntervalSeconds * 1000, () =>
        detection.save(),
      );
    }
    return {
      name: 'control',
      components: [
        {
          name: 'detection',
          start: async () => {
            await detection?.load();
          },
          // Runs after the scheduler stopped (reverse order): the last pass is done.
          stop: async () => {
            await detection?.save();
          },
        },
      ],
      mountRoutes(api) {
        mountAnomaliesRoutes(api, {
          store: ctx.store,
          clock: ctx.clock,
          seriesStatus: () => detection?.latest() ?? [],
        });
      },
      status: () => ({ ...loop.status(), detection: detection?.status() ?? 'disabled' }),
    };
  };
}
