import { z } from 'zod';
import { cacheTtlPolicyConfigSchema } from './cache-ttl/config.js';
import { rateLimitPolicyConfigSchema } from './rate-limit/config.js';
import { routingPolicyConfigSchema } from './routing/config.js';
import { scalingPolicyConfigSchema } from './scaling/config.js';

/**
 * Every policy instance (the `actuators.policies` section). Each entry names its subject
 * (service, provider, provider endpoint) and the target that applies it; one subject has at
 * most one policy of a kind, so two policies never fight over one control.
 */
export const policiesConfigSchema = z
  .strictObject({
    scaling: z.array(scalingPolicyConfigSchema).default([]),
    rateLimit: z.array(rateLimitPolicyConfigSchema).default([]),
    cacheTtl: z.array(cacheTtlPolicyConfigSchema).default([]),
    routing: z.array(routingPolicyConfigSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const unique = (kind: string, keys: string[]) => {
      const seen = new Map<string, number>();
      keys.forEach((key, i) => {
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [kind, i],
            message: `duplicate ${kind} policy for ${key} (also at ${kind}.${first})`,
          });
        } else seen.set(key, i);
      });
    };
    unique(
      'scaling',
      config.scaling.map((p) => `service ${p.service}`),
    );
    unique(
      'rateLimit',
      config.rateLimit.map((p) => `provider ${p.provider}`),
    );
    unique(
      'cacheTtl',
      config.cacheTtl.map((p) => `provider ${p.provider} endpoint ${p.endpoint}`),
    );
    unique(
      'routing',
      config.routing.map((p) => `provider ${p.provider}`),
    );
  });

export type PoliciesConfig = z.infer<typeof policiesConfigSchema>;

/**
 * Issues (key path: message) for policies that name a target that does not exist, for the
 * config loader to report with every other error; `path` is where the policies section sits.
 */
export function unknownTargetIssues(
  config: PoliciesConfig,
  targetIds: readonly string[],
  path = 'actuators.policies',
): string[] {
  const known = new Set(targetIds);
  const issues: string[] = [];
  for (const kind of ['scaling', 'rateLimit', 'cacheTtl', 'routing'] as const) {
    config[kind].forEach((p, i) => {
      if (p.target !== undefined && !known.has(p.target)) {
        issues.push(
          `${path}.${kind}.${i}.target: unknown target "${p.target}" (known: ${[...known].sort().join(', ') || 'none'})`,
        );
      }
    });
  }
  return issues;
}
