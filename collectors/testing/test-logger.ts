import { pino } from 'pino';
import type { Logger } from '../../core/logger.js';

/** A silent logger for tests (set HEADROOM_TEST_LOG=debug to see output). */
export function testLogger(): Logger {
  return pino({ level: process.env.HEADROOM_TEST_LOG ?? 'silent' });
}
