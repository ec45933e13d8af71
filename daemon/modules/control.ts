import { join } from 'node:path';
import { PolicyActuation } from '../control/actuation-stage.js';
import { ControlLoop } from '../control/control-loop.js';
import { DetectionStage } from '../control/detection-stage.js';
import { PolicySignals } from '../control/policy-signals.js';
import { mountAnomaliesRoutes } from '../http/routes/anomalies.js';
import type { ModuleFactory } from '../module.js';

/**
 * The control loop module: anomaly detection on every watched signal, then decisions for every
 * configured policy through the guarded targets, then alerts, every `control.intervalSeconds`;
 * the anomalies API. Built last: it uses the services the other modules offer.
 */
export const createControlModule: ModuleFactory = (ctx) => {
  const { config } = ctx;
  const detectionConfig = config.models.detection;
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
  const actuation = ctx.services.actuation
    ? new PolicyActuation({
        config: config.actuators,
        targets: ctx.services.actuation,
        store: ctx.store,
        clock: ctx.clock,
        logger: ctx.logger,
        signals: new PolicySignals({
          store: ctx.store,
          clock: ctx.clock,
          stepMs: detectionConfig.stepSeconds * 1000,
          settleMs: detectionConfig.lagSeconds * 1000,
          lookbackMs: config.control.staleAfterSeconds * 1000 * 2,
        }),
        ...(detection ? { detection } : {}),
        ...(ctx.services.forecasts ? { forecasts: ctx.services.forecasts } : {}),
        staleAfterMs: config.control.staleAfterSeconds * 1000,
        unchangedRecordMs: config.control.unchangedRecordSeconds * 1000,
      })
    : undefined;
  const loop = new ControlLoop({
    store: ctx.store,
    clock: ctx.clock,
    logger: ctx.logger,
    ...(detection ? { detection } : {}),
    ...(actuation ? { actuation } : {}),
    ...(ctx.services.forecasts ? { forecasts: ctx.services.forecasts } : {}),
    ...(ctx.services.alerts ? { alerts: ctx.services.alerts } : {}),
  });
  ctx.scheduler.every('control-loop', config.control.intervalSeconds * 1000, (signal) => loop.run(signal));
  if (detection) {
    ctx.scheduler.every('detector-snapshot', detectionConfig.snapshotIntervalSeconds * 1000, () =>
      detection.save(),
    );
  }
  return {
    name: 'control',
    components: [
      {
        name: 'control',
        start: async () => {
          await detection?.load();
          await actuation?.load();
        },
        // Stops after the scheduler (reverse start order): the last pass has finished.
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
