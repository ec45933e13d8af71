import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/**
 * The rollup's watermark (every interval before it has been written), kept in a small JSON file
 * so that after a restart calls for an already written interval move to a later one instead of
 * rewriting (and, in InfluxDB, replacing) the written point.
 */
export function readWatermark(file: string | undefined, log: Logger): number {
  if (!file) return -Infinity;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as { watermarkMs?: unknown };
    return typeof state.watermarkMs === 'number' ? state.watermarkMs : -Infinity;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.warn({ file, err: errorMessage(err) }, 'ignoring unreadable rollup state');
    }
    return -Infinity;
  }
}

/** Saves the watermark atomically (write then rename); a failure is logged, not thrown. */
export function writeWatermark(file: string | undefined, watermarkMs: number, log: Logger): void {
  if (!file || !Number.isFinite(watermarkMs)) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify({ watermarkMs }));
    renameSync(`${file}.tmp`, file);
  } catch (err) {
    log.warn({ file, err: errorMessage(err) }, 'could not save rollup state');
  }
}
