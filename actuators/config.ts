import { z } from 'zod';

/** Configuration of `actuators/` (the `actuators:` section of the YAML file). */
export const actuatorsConfigSchema = z.strictObject({});

export type ActuatorsConfig = z.infer<typeof actuatorsConfigSchema>;
