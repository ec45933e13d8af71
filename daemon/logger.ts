import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { HeadroomConfig } from './config/schema.js';

/** Keys whose values are replaced before a log line is written, wherever they appear. */
const REDACT = [
  '*.password',
  '*.token',
  '*.apiKey',
  '*.adminToken',
  '*.readToken',
  '*.authorization',
  '*.webhookUrl',
  '*.secret',
  'req.headers.authorization',
];

/**
 * The daemon's one pino logger; components get `logger.child({ component })`. 'pretty' writes
 * synchronously to stderr (no worker thread), 'json' writes NDJSON to stdout for log shippers.
 */
export function createLogger(config: HeadroomConfig['log'], destination?: NodeJS.WritableStream): Logger {
  const format = config.format === 'auto' ? (process.stderr.isTTY ? 'pretty' : 'json') : config.format;
  const options = { level: config.level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined };
  if (format === 'pretty') {
    return pino(
      options,
      pretty({ sync: true, colorize: !destination, destination: destination ?? 2, ignore: 'pid,hostname' }),
    );
  }
  return destination ? pino(options, destination) : pino(options);
}
