import { describe, expect, it } from 'vitest';
import { ResponseCache } from './response-cache.js';

describe('ResponseCache', () => {
  it('serialises a query once per revision', () => {
    const cache = new ResponseCache();
    let builds = 0;
    const build = (): unknown => ({ n: ++builds });
    const first = cache.get(1, 'a', build);
    expect(cache.get(1, 'a', build)).toBe(first);
    expect(first.text).toBe('{"n":1}');
    expect(cache.get(1, 'b', build).text).toBe('{"n":2}');
    // A new revision (a forecast run) drops every body.
    expect(cache.get(2, 'a', build).text).toBe('{"n":3}');
    expect(cache.size).toBe(1);
  });

  it('gives equal texts the same ETag and different texts different ones', () => {
    const cache = new ResponseCache();
    const a = cache.get(1, 'a', () => ({ x: 1 }));
    const b = cache.get(1, 'b', () => ({ x: 1 }));
    const c = cache.get(1, 'c', () => ({ x: 2 }));
    expect(a.etag).toMatch(/^W\/"[\w-]+"$/);
    expect(b.etag).toBe(a.etag);
    expect(c.etag).not.toBe(a.etag);
  });

  it('drops the oldest bodies past its size and never keeps one larger than the limit', () => {
    const cache = new ResponseCache(20);
    cache.get(1, 'a', () => 'aaaaaaa'); // 9 chars with the quotes
    cache.get(1, 'b', () => 'bbbbbbb');
    cache.get(1, 'c', () => 'ccccccc'); // 27 > 20: 'a' goes
    expect(cache.size).toBe(2);
    let rebuilt = false;
    cache.get(1, 'a', () => {
      rebuilt = true;
      return 'aaaaaaa';
    });
    expect(rebuilt).toBe(true);
    const huge = cache.get(1, 'huge', () => 'x'.repeat(100));
    expect(huge.text).toHaveLength(102);
    expect(cache.size).toBe(2);
  });
});
