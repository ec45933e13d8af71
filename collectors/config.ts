import { z } from 'zod';
import { nginxLogConfigSchema } from './nginx-log/config.js';
import { otlpConfigSchema } from './otlp/config.js';
import { probeConfigSchema } from './probe/config.js';
import { rollupConfigSchema } from './rollup-config.js';

/** Configuration of `collectors/` (the `collectors:` section of the YAML file). */
export const collectorsConfigSchema = z
  .strictObject({
    otlp: otlpConfigSchema.prefault({}),
    rollup: rollupConfigSchema.prefault({}),
    /** nginx JSON access logs to tail; none by default. */
    nginxLogs: z.array(nginxLogConfigSchema).default([]),
    /** Synthetic probes; none by default. */
    probes: z.array(probeConfigSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const unique = (names: string[], path: string): void => {
      const seen = new Set<string>();
      names.forEach((name, i) => {
        if (seen.has(name))
          ctx.addIssue({ code: 'custom', path: [path, i, 'name'], message: `duplicate name "${name}"` });
        seen.add(name);
      });
    };
    unique(
      config.nginxLogs.map((l) => l.name),
      'nginxLogs',
    );
    unique(
      config.probes.map((p) => p.name),
      'probes',
    );
  });

export type CollectorsConfig = z.infer<typeof collectorsConfigSchema>;
