import { AlertsService } from '../../alerts/alerts-service.js';
import { mountIncidentRoutes } from '../http/routes/incidents.js';
import { mountSilenceRoutes } from '../http/routes/silences.js';
import type { ModuleFactory } from '../module.js';

/** How often due notifications are queued and quiet incidents resolved. */
const TICK_MS = 5_000;

/**
 * The alerts module (DESIGN.md "Alerts"): incidents from anomalies and decisions, plain-English
 * summaries, delivery to Slack/webhooks through the durable outbox; the incidents and silences
 * API. Subscribes to the collectors' error samples for error templates.
 */
export const createAlertsModule: ModuleFactory = (ctx) => {
  const alerts = new AlertsService({
    config: ctx.config.alerts,
    store: ctx.store,
    logger: ctx.logger,
    clock: ctx.clock,
    dataDir: ctx.dataDir,
    ...(ctx.config.api.publicUrl ? { dashboardUrl: ctx.config.api.publicUrl } : {}),
  });
  ctx.services.alerts = alerts;
  const unsubscribe = ctx.services.errorSamples?.subscribe(alerts.errorSink);
  ctx.scheduler.every('alerts-tick', TICK_MS, async () => {
    await alerts.tick();
  });
  return {
    name: 'alerts',
    components: [
      alerts,
      {
        name: 'alerts-error-samples',
        start: async () => {},
        stop: async () => unsubscribe?.(),
      },
    ],
    mountRoutes(api) {
      mountIncidentRoutes(api, alerts, ctx.clock);
      mountSilenceRoutes(api, alerts, ctx.clock);
    },
    status: () => alerts.status(),
  };
};
