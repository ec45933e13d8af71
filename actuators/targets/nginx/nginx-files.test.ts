import { describe, expect, it } from 'vitest';
import { nginxSettingsSchema } from './config.js';
import {
  normalizeRate,
  normalizeRouting,
  parseCacheSnippet,
  parseLimitSnippet,
  parseLimits,
  parseUpstreams,
  renderCacheSnippet,
  renderLimitSnippet,
  renderLimits,
  renderUpstreams,
} from './nginx-files.js';

const settings = nginxSettingsSchema.parse({
  dir: '/etc/nginx/headroom',
  rateLimits: [{ subject: { provider: 'stripe' }, zone: 'stripe', initial: { ratePerSecond: 10, burst: 5 } }],
  caches: [
    {
      subject: { provider: 'maps' },
      name: 'maps',
      statuses: [200, 404],
      initial: { ttlSeconds: 60, staleOnError: false },
    },
  ],
  upstreams: [
    {
      subject: { provider: 'maps' },
      name: 'maps_api',
      servers: { eu: '10.0.0.1:443', us: '10.0.0.2:443', backup: 'maps-backup.internal:443' },
      extra: ['keepalive 16;'],
    },
  ],
});
const limit = settings.rateLimits[0]!;
const cache = settings.caches[0]!;
const upstream = settings.upstreams[0]!;

describe('nginx include files', () => {
  it.each([
    [100, 100, 'rate=100r/s'],
    [12.5, 12.5, 'rate=750r/m'],
    [1 / 60, 1 / 60, 'rate=1r/m'],
    [0.001, 1 / 60, 'rate=1r/m'],
    [12.345, 741 / 60, 'rate=741r/m'],
  ])('rate %s/s is written as nginx can hold it and read back exactly', (rate, normalized, text) => {
    const state = normalizeRate({ ratePerSecond: rate, burst: 3.4 });
    expect(state).toEqual({ ratePerSecond: normalized, burst: 3 });
    const file = renderLimits('edge', [{ limit, state }]);
    expect(file).toContain(`limit_req_zone $server_name zone=stripe:10m ${text};`);
    expect(parseLimits(file).get('stripe')).toBe(normalized);
  });

  it.each([
    [{ ratePerSecond: 1, burst: 0 }, 'limit_req zone=stripe nodelay;'],
    [{ ratePerSecond: 1, burst: 20 }, 'limit_req zone=stripe burst=20 nodelay;'],
  ])('limit snippet %j', (state, line) => {
    const file = renderLimitSnippet('edge', 'stripe', state, 429);
    expect(file).toContain(line);
    expect(file).toContain('limit_req_status 429;');
    expect(parseLimitSnippet(file)).toBe(state.burst);
  });

  it.each([
    [
      { ttlSeconds: 60, staleOnError: false },
      ['proxy_cache_valid 200 404 60s;', 'proxy_cache_use_stale off;'],
    ],
    [
      { ttlSeconds: 300, staleOnError: true },
      ['proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;'],
    ],
    [{ ttlSeconds: 0, staleOnError: false }, ['proxy_cache_valid 200 404 0s;', 'proxy_no_cache 1;']],
  ])('cache snippet %j', (state, lines) => {
    const file = renderCacheSnippet('edge', cache, state);
    for (const line of lines) expect(file).toContain(line);
    expect(parseCacheSnippet(file)).toEqual(state);
  });

  it.each([
    [
      'weights rounded and sorted',
      { weights: { us: 20.4, eu: 79.6, backup: 1 }, down: [], backup: ['backup'] },
      { weights: { backup: 1, eu: 80, us: 20 }, down: [], backup: ['backup'] },
    ],
    [
      'down endpoints weigh 0',
      { weights: { us: 50, eu: 50, backup: 1 }, down: ['us'], backup: [] },
      { weights: { backup: 1, eu: 50, us: 0 }, down: ['us'], backup: [] },
    ],
    [
      'weight 0 means down',
      { weights: { us: 0, eu: 100, backup: 1 }, down: [], backup: [] },
      { weights: { backup: 1, eu: 100, us: 0 }, down: ['us'], backup: [] },
    ],
    [
      'unknown endpoint',
      { weights: { us: 1, eu: 1, backup: 1, ap: 1 }, down: [], backup: [] },
      'unknown endpoint(s) ap for upstream maps_api',
    ],
    [
      'missing endpoint',
      { weights: { us: 1 }, down: [], backup: [] },
      'no weight for endpoint(s) backup, eu of upstream maps_api',
    ],
  ])('routing: %s', (_name, state, expected) => {
    const normalized = normalizeRouting(upstream, state);
    expect(normalized).toEqual(expected);
    if (typeof normalized === 'string') return;
    const file = renderUpstreams('edge', [{ upstream, state: normalized }]);
    expect(parseUpstreams(file, [upstream]).get('maps_api')).toEqual(normalized);
  });

  it('renders an upstream block as an operator would write it', () => {
    const state = normalizeRouting(upstream, {
      weights: { eu: 3, us: 1, backup: 1 },
      down: ['us'],
      backup: ['backup'],
    });
    expect(renderUpstreams('edge', [{ upstream, state: state as Exclude<typeof state, string> }])).toBe(
      `# Managed by Headroom (target "edge"); include in the http {} block. Do not edit: Headroom rewrites this file.
upstream maps_api {
    server maps-backup.internal:443 weight=1 backup; # endpoint backup
    server 10.0.0.1:443 weight=3; # endpoint eu
    server 10.0.0.2:443 down; # endpoint us
    keepalive 16;
}
`,
    );
  });
});
