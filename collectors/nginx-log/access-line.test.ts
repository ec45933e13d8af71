import { describe, expect, it } from 'vitest';
import { parseAccessLine } from './access-line.js';

describe('parseAccessLine', () => {
  it('splits upstream tries and internal redirects', () => {
    const entry = parseAccessLine(
      JSON.stringify({
        msec: '1767614400.123',
        method: 'POST',
        uri: '/pay/42',
        route: '/pay/{id}',
        status: '200',
        upstream_addr: '10.0.0.1:80, 10.0.0.2:80 : 10.0.0.3:80',
        upstream_status: '502, 504 : 200',
        upstream_response_time: '0.010, 1.000 : 0.020',
        upstream_cache_status: 'MISS',
        proxy_host: 'payments',
      }),
    );
    expect(entry).toMatchObject({
      timeMs: 1767614400123,
      method: 'POST',
      route: '/pay/{id}',
      status: 200,
      proxyHost: 'payments',
    });
    expect(entry!.tries).toEqual([
      { addr: '10.0.0.1:80', status: 502, durationMs: 10 },
      { addr: '10.0.0.2:80', status: 504, durationMs: 1000 },
      { addr: '10.0.0.3:80', status: 200, durationMs: 20 },
    ]);
  });

  it('reads "-" as absent', () => {
    const entry = parseAccessLine(
      JSON.stringify({
        msec: '1.5',
        upstream_addr: '-',
        route: '-',
        proxy_host: '-',
        upstream_cache_status: 'HIT',
      }),
    );
    expect(entry).toMatchObject({ timeMs: 1500, tries: [], route: '', proxyHost: '', cacheStatus: 'HIT' });
    const noResponse = parseAccessLine(
      JSON.stringify({
        msec: '1',
        upstream_addr: 'unix:/run/app.sock',
        upstream_status: '-',
        upstream_response_time: '-',
      }),
    );
    expect(noResponse!.tries[0]!.addr).toBe('unix:/run/app.sock');
    expect(noResponse!.tries[0]!.status).toBeNaN();
  });

  it.each(['', 'not json', '[]', '"x"', '{}', '{"msec":"soon"}'])('rejects %j', (line) => {
    expect(parseAccessLine(line)).toBeUndefined();
  });
});
