import { describe, expect, it } from 'vitest';
import { matchesFilter, normalizeTags, seriesKey, withoutTags } from './tags.js';

describe('tags', () => {
  it('matches exact and any-of filters; an absent tag never matches', () => {
    const tags = { provider: 'stripe', endpoint: '/v1/charges' };
    expect(matchesFilter(tags, undefined)).toBe(true);
    expect(matchesFilter(tags, { provider: 'stripe' })).toBe(true);
    expect(matchesFilter(tags, { provider: ['twilio', 'stripe'] })).toBe(true);
    expect(matchesFilter(tags, { provider: [] })).toBe(false);
    expect(matchesFilter(tags, { service: 'checkout' })).toBe(false);
  });

  it('normalises: drops empty values, sorts keys; series keys are order independent', () => {
    expect(Object.keys(normalizeTags({ b: '1', a: '2', c: '', d: undefined }))).toEqual(['a', 'b']);
    expect(seriesKey('api_calls', { b: '1', a: '2' })).toBe(
      seriesKey('api_calls', { a: '2', b: '1', c: '' }),
    );
    expect(withoutTags({ a: '1', collector: 'x' }, ['collector'])).toEqual({ a: '1' });
  });
});
