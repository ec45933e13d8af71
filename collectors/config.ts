import { z } from 'zod';

/** Configuration of `collectors/` (the `collectors:` section of the YAML file). */
export const collectorsConfigSchema = z.strictObject({});

export type CollectorsConfig = z.infer<typeof collectorsConfigSchema>;
