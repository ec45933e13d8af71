import { describe, expect, it } from 'vitest';
import { describeDesired } from './narrator.js';

describe('describeDesired', () => {
  it.each([
    [{ replicas: 7 }, '7 replicas'],
    [{ ttlSeconds: 240, staleOnError: true }, 'TTL 240 s, stale-on-error'],
    [{ ttlSeconds: 60, staleOnError: false }, 'TTL 60 s'],
    [
      { weights: { 'us-east': 0, 'eu-west': 100 }, down: ['us-east'], backup: [] },
      'us-east 0% / eu-west 100%, ejected: us-east',
    ],
    [
      { weights: { 'us-east': 100, 'eu-west': 0 }, down: [], backup: ['eu-west'] },
      'us-east 100% / eu-west 0%',
    ],
    [{ limitPerSecond: 5 }, '{"limitPerSecond":5}'],
  ])('%j → %s', (desired, text) => {
    expect(describeDesired(desired)).toBe(text);
  });
});
