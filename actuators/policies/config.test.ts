import { describe, expect, it } from 'vitest';
import { policiesConfigSchema, unknownTargetIssues } from './config.js';

const issues = (input: unknown) => {
  const r = policiesConfigSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('policiesConfigSchema', () => {
  it('defaults to no policies', () => {
    expect(policiesConfigSchema.parse({})).toEqual({ scaling: [], rateLimit: [], cacheTtl: [], routing: [] });
  });

  it('reports every invalid key with its full path, all at once', () => {
    const found = issues({
      scaling: [{ service: 'api', capacityPerReplica: 10, minReplicas: 9, maxReplicas: 2 }],
      rateLimit: [{ provider: 'stripe' }],
      cacheTtl: [{ provider: 'maps', endpoint: '/x', baseTtlSeconds: 100, maxTtlSeconds: 10 }],
      routing: [{ provider: 'pay', endpoints: [{ name: 'a', role: 'backup' }] }],
    });
    expect(found).toEqual([
      'scaling.0.minReplicas: minReplicas (9) must not exceed maxReplicas (2)',
      expect.stringMatching(/^rateLimit.0.quota: /),
      'cacheTtl.0.baseTtlSeconds: baseTtlSeconds (100) must not exceed maxTtlSeconds (10)',
      'routing.0.endpoints: at least one endpoint must be a primary',
    ]);
  });

  it('rejects two policies of a kind for one subject', () => {
    expect(
      issues({
        scaling: [
          { service: 'api', capacityPerReplica: 1 },
          { service: 'web', capacityPerReplica: 1 },
          { service: 'api', capacityPerReplica: 2 },
        ],
      }),
    ).toEqual(['scaling.2: duplicate scaling policy for service api (also at scaling.0)']);
  });

  it('rejects unknown policy kinds', () => {
    expect(issues({ autoscale: [] }).join()).toMatch(/autoscale/);
  });

  it('names policies whose target does not exist', () => {
    const config = policiesConfigSchema.parse({
      scaling: [{ service: 'api', capacityPerReplica: 1, target: 'k8s' }],
      routing: [
        { provider: 'pay', endpoints: [{ name: 'a' }], target: 'nginx-edge' },
        { provider: 'maps', endpoints: [{ name: 'a' }] },
      ],
    });
    expect(unknownTargetIssues(config, ['k8s', 'redis'])).toEqual([
      'actuators.policies.routing.0.target: unknown target "nginx-edge" (known: k8s, redis)',
    ]);
  });
});
