import { z } from 'zod';

/** Configuration of `alerts/` (the `alerts:` section of the YAML file). */
export const alertsConfigSchema = z.strictObject({});

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
