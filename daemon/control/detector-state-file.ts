import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DetectorSnapshot } from '../../core/detector.js';

/** What survives a restart of the detection stage. */
export interface DetectorState {
  version: 1;
  /** Per watched family and signal: the next step start to score (epoch ms). */
  cursors: Record<string, number>;
  /** Per series key: the detector's snapshot. */
  detectors: Record<string, DetectorSnapshot>;
}

/** Reads the state file; undefined when there is none yet. Throws on an unreadable file. */
export async function readDetectorState(path: string): Promise<DetectorState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const state = JSON.parse(text) as DetectorState;
  if (state.version !== 1 || typeof state.cursors !== 'object' || typeof state.detectors !== 'object') {
    throw new Error(`unexpected detector state format in ${path}`);
  }
  return state;
}

/** Writes atomically (temp file + rename), so a crash mid-write keeps the previous state. */
export async function writeDetectorState(path: string, state: DetectorState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  await writeFile(tmp, JSON.stringify(state));
  await rename(tmp, path);
}
