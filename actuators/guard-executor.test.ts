import { ConstantBackoff, type IRetryBackoffContext } from 'cockatiel';
import { describe, expect, it } from 'vitest';
import { HeadroomError } from '../core/errors.js';
import { RetryAfterBackoff } from './guard-executor.js';

const context = (error: unknown): IRetryBackoffContext<unknown> => ({
  attempt: 1,
  signal: new AbortController().signal,
  result: { error: error as Error },
});

describe('RetryAfterBackoff', () => {
  const backoff = new RetryAfterBackoff(new ConstantBackoff(100), 5_000);
  it.each([
    ['no Retry-After: the backoff', new HeadroomError('x', 'y', { retryable: true }), 100],
    [
      'a longer Retry-After wins',
      new HeadroomError('x', 'y', { retryable: true, retryAfterMs: 3_000 }),
      3_000,
    ],
    [
      'a shorter Retry-After does not shorten the backoff',
      new HeadroomError('x', 'y', { retryable: true, retryAfterMs: 10 }),
      100,
    ],
    ['capped at the ceiling', new HeadroomError('x', 'y', { retryable: true, retryAfterMs: 60_000 }), 5_000],
    ['errors that are not HeadroomErrors', new Error('plain'), 100],
  ])('%s', (_name, error, duration) => {
    const first = backoff.next(context(error));
    expect(first.duration).toBe(duration);
    expect(first.next(context(error)).duration).toBe(duration);
  });
});
