import { describe, expect, it } from 'vitest';
import { scalingPolicyConfigSchema } from './config.js';

function issues(input: unknown): string[] {
  const result = scalingPolicyConfigSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('scalingPolicyConfigSchema', () => {
  it('fills the documented defaults', () => {
    const config = scalingPolicyConfigSchema.parse({ service: 'api', capacityPerReplica: 50 });
    expect(config).toMatchObject({
      targetUtilization: 1,
      noForecastUtilization: 0.8,
      startupDelaySeconds: 60,
      minReplicas: 1,
      forecastQuantile: 0.9,
      scaleUp: { stabilizationWindowSeconds: 0, tolerance: 0.1 },
      scaleDown: { stabilizationWindowSeconds: 300, tolerance: 0.2 },
    });
  });

  it.each([
    {
      name: 'min > max names minReplicas',
      input: { service: 'a', capacityPerReplica: 1, minReplicas: 5, maxReplicas: 3 },
      want: /^minReplicas: minReplicas \(5\) must not exceed maxReplicas \(3\)/,
    },
    {
      name: 'missing capacity names capacityPerReplica',
      input: { service: 'a' },
      want: /^capacityPerReplica: /,
    },
    { name: 'zero capacity', input: { service: 'a', capacityPerReplica: 0 }, want: /^capacityPerReplica: / },
    {
      name: 'utilisation above 1',
      input: { service: 'a', capacityPerReplica: 1, targetUtilization: 1.5 },
      want: /^targetUtilization: /,
    },
    {
      name: 'quantile outside the published band',
      input: { service: 'a', capacityPerReplica: 1, forecastQuantile: 0.99 },
      want: /^forecastQuantile: /,
    },
    { name: 'unknown key', input: { service: 'a', capacityPerReplica: 1, replicas: 3 }, want: /replicas/ },
    {
      name: 'nested unknown key names its path',
      input: { service: 'a', capacityPerReplica: 1, scaleDown: { window: 3 } },
      want: /^scaleDown: .*window/,
    },
    {
      name: 'negative window',
      input: { service: 'a', capacityPerReplica: 1, scaleDown: { stabilizationWindowSeconds: -1 } },
      want: /^scaleDown.stabilizationWindowSeconds: /,
    },
  ])('$name', ({ input, want }) => {
    expect(issues(input).join('\n')).toMatch(want);
  });
});
