import { GuardedTargets } from '../../actuators/guarded-targets.js';
import { mountDecisionsRoutes } from '../http/routes/decisions.js';
import { mountTargetsRoutes } from '../http/routes/targets.js';
import type { ModuleFactory } from '../module.js';

/**
 * The actuation module (issue 6): every configured target behind its guard (dry-run by default,
 * bounds, retries, circuit breaker, audit); the targets and decisions API. The control loop
 * decides; this module applies.
 */
export const createActuationModule: ModuleFactory = (ctx) => {
  const targets = new GuardedTargets({
    config: ctx.config.actuators,
    store: ctx.store,
    clock: ctx.clock,
    logger: ctx.logger,
  });
  ctx.services.actuation = targets;
  return {
    name: 'actuation',
    components: [targets],
    mountRoutes(api) {
      mountTargetsRoutes(api, { targets });
      mountDecisionsRoutes(api, { store: ctx.store });
    },
    status: () => ({ targets: targets.list().map((t) => ({ id: t.id, kind: t.kind, mode: t.mode })) }),
  };
};
