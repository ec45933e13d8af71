import { describe, expect, it } from 'vitest';
import { collectorsConfigSchema } from './config.js';

describe('collectors config', () => {
  it('has working defaults', () => {
    const config = collectorsConfigSchema.parse({});
    expect(config.otlp).toMatchObject({
      enabled: true,
      host: '127.0.0.1',
      port: 4318,
      maxBodyBytes: 20 * 1024 * 1024,
    });
    expect(config.rollup).toMatchObject({
      intervalMs: 10_000,
      graceMs: 5_000,
      maxValuesPerTag: 200,
      endpointFallback: 'normalized_path',
    });
    expect(config.nginxLogs).toEqual([]);
    expect(config.probes).toEqual([]);
  });

  it.each([
    [{ otlp: { bearerToken: 'short' } }, 'otlp.bearerToken'],
    [{ otlp: { colour: 'blue' } }, 'otlp'],
    [{ rollup: { providers: { stripe: ['/[unclosed/'] } } }, 'rollup.providers.stripe.0'],
    [{ rollup: { intervalMs: 10 } }, 'rollup.intervalMs'],
    [{ probes: [{ name: 'p', url: 'http://x', schedule: 'every minute' }] }, 'probes.0.schedule'],
    [{ probes: [{ name: 'p', url: 'ftp://x' }] }, 'probes.0.url'],
    [
      {
        probes: [
          { name: 'p', url: 'http://x' },
          { name: 'p', url: 'http://y' },
        ],
      },
      'probes.1.name',
    ],
    [{ nginxLogs: [{ path: '/a' }, { path: '/b' }] }, 'nginxLogs.1.name'],
  ])('rejects %j at %s', (input, path) => {
    const result = collectorsConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('accepts 6-field cron schedules with seconds', () => {
    const config = collectorsConfigSchema.parse({
      probes: [{ name: 'p', url: 'https://status.example.com/health', schedule: '*/10 * * * * *' }],
    });
    expect(config.probes[0]).toMatchObject({ method: 'GET', timeoutMs: 5_000, expectStatus: [[200, 399]] });
  });
});
