import type { GuardedTargets } from '../actuators/guarded-targets.js';
import type { AlertsService } from '../alerts/alerts-service.js';
import type { ErrorSampleHub } from '../collectors/error-sample-hub.js';
import type { DetectionStage } from './control/detection-stage.js';
import type { ForecastStage } from './control/forecast-stage.js';

/**
 * Services one module offers to others, filled in as modules are built (registry order). Each
 * field is optional: a module that needs one checks and says clearly when it is missing.
 */
export interface Services {
  /** Collectors publish error texts here; alerts subscribe (error templates). */
  errorSamples?: ErrorSampleHub;
  alerts?: AlertsService;
  forecasts?: ForecastStage;
  detection?: DetectionStage;
  actuation?: GuardedTargets;
}
