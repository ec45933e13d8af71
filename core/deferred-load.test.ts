import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DeferredLoad } from './deferred-load.js';
import { HeadroomError } from './errors.js';

const log = pino({ level: 'silent' });
const down = () => new HeadroomError('store_unreachable', 'store down', { retryable: true });

describe('DeferredLoad', () => {
  it('loads once at start when the store answers', async () => {
    let calls = 0;
    const load = new DeferredLoad(async () => void calls++, log, 'later');
    await load.start();
    await load.ensure();
    expect(calls).toBe(1);
  });

  it('defers a retryable failure at start and loads on the first ensure that succeeds', async () => {
    const answers = [down(), down(), undefined];
    let calls = 0;
    const load = new DeferredLoad(
      async () => {
        const err = answers[calls++];
        if (err) throw err;
      },
      log,
      'later',
    );
    await load.start();
    await expect(load.ensure()).rejects.toThrow('store down');
    await load.ensure();
    await load.ensure();
    expect(calls).toBe(3);
  });

  it('rethrows a failure that is not retryable at start', async () => {
    const load = new DeferredLoad(
      () => Promise.reject(new HeadroomError('bad_query', 'invalid', { retryable: false })),
      log,
      'later',
    );
    await expect(load.start()).rejects.toThrow('invalid');
  });
});
