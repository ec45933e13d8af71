import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock.js';
import { storeConfigSchema } from './config.js';
import { createStore } from './create-store.js';
import { EmbeddedStore } from './embedded/embedded-store.js';
import { InfluxStore } from './influx/influx-store.js';

const dataDir = mkdtempSync(join(tmpdir(), 'headroom-create-store-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const deps = { dataDir, logger: pino({ level: 'silent' }), clock: new FakeClock() };

describe('createStore', () => {
  it('runs the embedded store under <dataDir> behind the spool when no InfluxDB URL is set', async () => {
    const store = createStore(storeConfigSchema.parse({}), deps);
    expect(store.kind).toBe('embedded');
    expect(store.inner).toBeInstanceOf(EmbeddedStore);
    await store.start();
    expect(existsSync(join(dataDir, 'headroom.sqlite'))).toBe(true);
    expect(existsSync(join(dataDir, 'spool'))).toBe(true);
    expect(await store.health()).toMatchObject({ ok: true, state: 'ok' });
    await store.stop();
  });

  it('runs InfluxStore behind the spool when store.influx is set, without connecting yet', () => {
    const store = createStore(storeConfigSchema.parse({ influx: { url: 'http://127.0.0.1:1' } }), deps);
    expect(store.kind).toBe('influx');
    expect(store.inner).toBeInstanceOf(InfluxStore);
  });
});
