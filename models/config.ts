import { z } from 'zod';

/** Configuration of `models/` (the `models:` section of the YAML file). */
export const modelsConfigSchema = z.strictObject({});

export type ModelsConfig = z.infer<typeof modelsConfigSchema>;
