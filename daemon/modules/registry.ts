import type { ModuleFactory } from '../module.js';
import { createActuationModule } from './actuation.js';
import { createAlertsModule } from './alerts.js';
import { createCollectorsModule } from './collectors.js';
import { createControlModule } from './control.js';
import { createForecastingModule } from './forecasting.js';

/**
 * The daemon's modules in build/start order (later ones may use services of earlier ones). Each
 * entry is a literal; nothing registers itself by import side effect. The control loop comes
 * last: it drives detection, actuation and alerts.
 */
export const MODULES: readonly { readonly name: string; readonly create: ModuleFactory }[] = [
  { name: 'collectors', create: createCollectorsModule },
  { name: 'alerts', create: createAlertsModule },
  { name: 'forecasting', create: createForecastingModule },
  { name: 'actuation', create: createActuationModule },
  { name: 'control', create: createControlModule },
];
