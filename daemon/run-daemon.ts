import { errorMessage, HeadroomError } from '../core/errors.js';
import { createStore } from '../storage/create-store.js';
import { App } from './app.js';
import { EXIT } from './cli/command.js';
import { loadConfig } from './config/load-config.js';
import { createLogger } from './logger.js';

/**
 * `headroom start`: loads config (a ConfigError propagates to main.ts: exit 2), starts the app,
 * runs until SIGINT/SIGTERM, then stops it (flushing acknowledged data). A second signal while
 * stopping exits at once.
 */
export async function runDaemon(options: { configPath: string | undefined }): Promise<number> {
  const config = loadConfig({ path: options.configPath });
  const logger = createLogger(config.log);
  const app = new App({
    config,
    logger,
    createStore: ({ config: c, dataDir, logger: l, clock }) =>
      createStore(c.store, { dataDir, logger: l, clock }),
  });
  try {
    await app.start();
  } catch (err) {
    const code = err instanceof HeadroomError ? ` [${err.code}]` : '';
    logger.fatal({ err: errorMessage(err) }, 'start-up failed');
    process.stderr.write(`headroom: cannot start${code}: ${errorMessage(err)}\n`);
    return EXIT.error;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info({ signal }, 'stopping');
  // A second signal while stopping gives up on the clean stop; main.ts then exits.
  const forced = new Promise<'forced'>((resolve) => {
    process.once('SIGINT', () => resolve('forced'));
    process.once('SIGTERM', () => resolve('forced'));
  });
  if ((await Promise.race([app.stop(), forced])) === 'forced') {
    logger.warn('second signal: exiting without a clean stop');
    return EXIT.error;
  }
  logger.info('stopped');
  return EXIT.ok;
}
