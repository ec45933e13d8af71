import { z } from 'zod';
import { forecastingConfigSchema } from './forecasters/config.js';

/** Configuration of `models/` (the `models:` section of the YAML file). */
export const modelsConfigSchema = z.strictObject({
  forecasting: forecastingConfigSchema.prefault({}),
});

export type ModelsConfig = z.infer<typeof modelsConfigSchema>;
