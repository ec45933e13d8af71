import { z } from 'zod';
import { detectionConfigSchema } from './detection-config.js';
import { forecastingConfigSchema } from './forecasters/config.js';

/** Configuration of `models/` (the `models:` section of the YAML file). */
export const modelsConfigSchema = z.strictObject({
  detection: detectionConfigSchema.prefault({}),
  forecasting: forecastingConfigSchema.prefault({}),
});

export type ModelsConfig = z.infer<typeof modelsConfigSchema>;
