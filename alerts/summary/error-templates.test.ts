import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import { errorTemplatesConfigSchema } from '../config.js';
import { ErrorTemplateCollector } from './error-templates.js';

describe('ErrorTemplateCollector', () => {
  it('names the top templates of a scope and window with their shares', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const collector = new ErrorTemplateCollector(errorTemplatesConfigSchema.parse({}), clock);
    const stripe = { provider: 'stripe', service: 'checkout' };
    for (let i = 0; i < 8; i++)
      collector.publish({
        timeMs: t0 + i,
        tags: stripe,
        message: `card_declined for customer cus_${i}ab12x`,
      });
    for (let i = 0; i < 2; i++)
      collector.publish({
        timeMs: t0 + i,
        tags: stripe,
        message: `rate_limit exceeded for key rk_${i}zz99q`,
      });
    collector.publish({
      timeMs: t0,
      tags: { provider: 'twilio' },
      message: 'card_declined for customer cus_1ab12x',
    });
    collector.publish({ timeMs: t0 - 60_000, tags: stripe, message: 'old message outside the window' });
    const top = collector.top({ provider: 'stripe' }, t0, t0 + 1_000);
    expect(top.sampleCount).toBe(10);
    expect(top.templates).toEqual([
      { template: 'card_declined for customer <*>', count: 8, sharePercent: 80 },
      { template: 'rate_limit exceeded for key <*>', count: 2, sharePercent: 20 },
    ]);
  });

  it('drops beyond maxSamplesPerSecond and counts it (publish never throws)', () => {
    const clock = new FakeClock();
    const collector = new ErrorTemplateCollector(
      errorTemplatesConfigSchema.parse({ maxSamplesPerSecond: 5 }),
      clock,
    );
    for (let i = 0; i < 8; i++) collector.publish({ timeMs: clock.now(), tags: {}, message: `boom ${i}` });
    expect(
      collector.publish({ timeMs: 0, tags: {}, message: undefined as unknown as string }),
    ).toBeUndefined();
    expect(collector.stats()).toMatchObject({ accepted: 5, dropped: 4 });
    clock.advance(1_000);
    collector.publish({ timeMs: clock.now(), tags: {}, message: 'boom again' });
    expect(collector.stats().accepted).toBe(6);
  });

  it('remembers at most maxSamples (a ring)', () => {
    const clock = new FakeClock();
    const collector = new ErrorTemplateCollector(
      errorTemplatesConfigSchema.parse({ maxSamples: 100, maxSamplesPerSecond: 1_000 }),
      clock,
    );
    for (let i = 0; i < 250; i++) collector.publish({ timeMs: i, tags: {}, message: `failure number ${i}` });
    expect(collector.top({}, 0, 1_000).sampleCount).toBe(100);
  });
});
