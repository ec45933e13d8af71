import { describe, expect, it } from 'vitest';
import { checkNumbers, extractNumbers } from './number-checker.js';

describe('extractNumbers', () => {
  it.each([
    ['p95 latency 180 ms → 760 ms (4.2×)', ['180', '760', '4.2']],
    ['1,240 req/s against 400', ['1240', '400']],
    ['since 14:05 UTC', ['14:05']],
    ['calls to `POST /v1/charges` and api-v2 on s3', []],
    ['/2010-04-01/Accounts', []],
    ['62% of errors; 0.40% normally', ['62', '0.40']],
    ['three services and 5xx', ['5', 'three']],
    ['lists 3, 4 and 5,6', ['3', '4', '5', '6']],
    ['it rose 30s later', ['30']],
  ])('%s', (text, expected) => {
    expect(extractNumbers(text).map((n) => n.raw.replaceAll(',', ''))).toEqual(expected);
  });
});

describe('checkNumbers', () => {
  const facts = {
    peak: 757.3,
    normal: 180,
    ratio: 4.2072,
    startedMs: Date.UTC(2026, 0, 5, 14, 5, 12),
    endpointCount: 3,
    share: 62.4,
    reasons: ['error ratio above 20% for 2 minutes'],
  };
  it.each([
    ['p95 latency rose to 757 ms against 180 ms (4.2×)', true, []],
    ['it started at 14:05 UTC on 3 endpoints', true, []],
    ['62% of errors', true, []],
    ['above 20% for 2 minutes', true, []],
    ['three endpoints', true, []],
    ['p95 latency rose to 760 ms', false, ['760']],
    ['4.21×', true, []],
    ['4.3×', false, ['4.3']],
    ['it started at 14:06 UTC', false, ['14:06']],
    ['five endpoints', false, ['five']],
    ['0.62 of calls', false, ['0.62']],
  ])('%s → %s', (text, ok, unknown) => {
    const result = checkNumbers(text, facts);
    expect(result.ok).toBe(ok);
    expect(result.unknown).toEqual(unknown);
  });

  it('rounds the fact as the text rounds, not the other way', () => {
    // 757.3 printed with 1 decimal is 757.3; "757.0" would claim a precision the fact does not have.
    expect(checkNumbers('757.3 ms', facts).ok).toBe(true);
    expect(checkNumbers('757.0 ms', facts).ok).toBe(false);
  });
});
