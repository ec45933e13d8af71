import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import type { Store } from '../../core/store.js';
import { point, storeConformance } from '../../test/store-conformance.js';
import { embeddedConfigSchema } from '../config.js';
import { EmbeddedStore } from './embedded-store.js';

const DAY_MS = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'headroom-embedded-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logger = pino({ level: 'silent' });
let n = 0;

function embedded(clock: FakeClock, path = join(dir, `store-${n++}.sqlite`)): EmbeddedStore {
  return new EmbeddedStore(embeddedConfigSchema.parse({}), { logger, clock, path });
}

storeConformance('EmbeddedStore', {
  retentionDays: 14,
  async create(clock) {
    const store = embedded(clock);
    await store.start();
    return store;
  },
  async enforceRetention(store: Store) {
    await (store as EmbeddedStore).runRetention();
  },
});

describe('EmbeddedStore', () => {
  it('deletes points, records and series once they age past retentionDays', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 20));
    const store = embedded(clock);
    await store.start();
    const t = clock.now() - DAY_MS;
    await store.write([
      point(t, { service: 'old', collector: 'c1' }),
      point(clock.now(), { service: 'new', collector: 'c1' }),
    ]);
    clock.advance(14 * DAY_MS);
    expect(await store.runRetention()).toEqual({ points: 1, records: 0, series: 1 });
    expect((await store.listSeries()).map((s) => s.tags.service)).toEqual(['new']);
    await store.stop();
  });

  it('keeps data and series across a restart', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 20));
    const path = join(dir, 'restart.sqlite');
    const first = embedded(clock, path);
    await first.start();
    await first.write([point(clock.now(), { service: 's', collector: 'c1' }, { count: 3 })]);
    await first.stop();
    const second = embedded(clock, path);
    await second.start();
    expect(await second.listSeries()).toHaveLength(1);
    await second.write([point(clock.now(), { service: 's', collector: 'c1' }, { count: 4 })]);
    const [group] = await second.queryRollups({
      measurement: 'api_calls',
      from: clock.now(),
      to: clock.now() + 1,
      stepMs: 10_000,
    });
    expect(group?.points[0]?.count).toBe(4);
    await second.stop();
  });

  it('fails to start with the path in the message when the file cannot be opened', async () => {
    const store = embedded(new FakeClock(), '/dev/null/headroom/x.sqlite');
    await expect(store.start()).rejects.toThrow(/\/dev\/null\/headroom\/x\.sqlite/);
  });

  it('stop is idempotent and safe before start', async () => {
    const store = embedded(new FakeClock());
    await store.stop();
    await store.start();
    await store.stop();
    await store.stop();
  });
});
