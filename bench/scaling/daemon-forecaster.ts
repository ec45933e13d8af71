import { HoltWinters } from '../../models/forecasters/holt-winters.js';
import type { WalkForwardForecaster } from '../../models/forecasters/walk-forward-forecaster.js';

/**
 * The forecaster the daemon uses for inbound load, built as the forecasting library builds it
 * for a horizon of `horizonSteps`. One place, so the CLI and the benchmark cannot drift apart.
 */
export async function daemonForecaster(horizonSteps: number): Promise<WalkForwardForecaster> {
  return new HoltWinters({ targetHorizonSteps: horizonSteps, maxHorizonSteps: horizonSteps });
}
