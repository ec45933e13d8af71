import { describe, expect, it } from 'vitest';
import { normalizePath } from './path-normalizer.js';

describe('normalizePath', () => {
  it.each([
    ['/v1/charges', '/v1/charges'],
    ['/v1/charges/ch_3MtwBw2eZvKYlo2C1a2b3c4d', '/v1/charges/{id}'],
    ['/v1/charges/ch_1000', '/v1/charges/{id}'],
    ['/users/42/orders/7', '/users/{id}/orders/{id}'],
    ['/items/550e8400-e29b-41d4-a716-446655440000', '/items/{id}'],
    ['/blobs/9f86d081884c7d659a2feaa0c55ad015', '/blobs/{id}'],
    ['/people/alice@example.com', '/people/{id}'],
    ['/oauth2/token?code=abc123', '/oauth2/token'],
    ['/v2beta1/ipv4/http2', '/v2beta1/ipv4/http2'],
    ['/users/alice', '/users/alice'],
    ['', '/'],
    ['/', '/'],
    ['/a//b/', '/a/b/'],
    ['/a/b/c/d/e/f/g/h/i/j/k', '/a/b/c/d/e/f/g/h/...'],
    ['/bad/%E0%A4%A', '/bad/{id}'],
  ])('%s → %s', (path, expected) => {
    expect(normalizePath(path)).toBe(expected);
  });
});
