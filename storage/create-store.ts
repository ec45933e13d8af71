import { join, resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import { redactUrl } from '../core/redact.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../core/store.js';
import type { StoreConfig } from './config.js';
import { EmbeddedStore } from './embedded/embedded-store.js';
import { InfluxStore } from './influx/influx-store.js';
import { SpooledStore } from './spool/spooled-store.js';

export interface CreateStoreDeps {
  /** The daemon's data directory: default home of the SQLite file and the spool. */
  dataDir: string;
  logger: Logger;
  clock: Clock;
}

/**
 * The store the daemon runs on, from the validated `store` config section: InfluxStore when
 * `store.influx` is set, else EmbeddedStore (`<dataDir>/headroom.sqlite`). Either one sits behind
 * the durable spool: for InfluxDB that covers outages and slow writes; for SQLite it covers a
 * database locked by another process (a backup, the sqlite3 shell) or a transient I/O error, and it
 * gives the daemon one behaviour (health states, metrics, refusal when full) whatever the store.
 * Nothing connects here: start() does.
 */
export function createStore(config: StoreConfig, deps: CreateStoreDeps): SpooledStore {
  const inner: Store = config.influx
    ? new InfluxStore(config.influx, { logger: deps.logger, clock: deps.clock })
    : new EmbeddedStore(config.embedded, {
        logger: deps.logger,
        clock: deps.clock,
        path: resolve(config.embedded.path ?? join(deps.dataDir, 'headroom.sqlite')),
      });
  return new SpooledStore(inner, config.spool, {
    logger: deps.logger,
    clock: deps.clock,
    dir: resolve(config.spool.dir ?? join(deps.dataDir, 'spool')),
    identity: config.influx
      ? `influx ${redactUrl(config.influx.url)} ${config.influx.database}`
      : `embedded ${resolve(config.embedded.path ?? join(deps.dataDir, 'headroom.sqlite'))}`,
  });
}
