import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The shared folder with development data and referees (`data/`, `tools/`). Looked up in
 * HEADROOM_SHARED_DIR, then beside the checkout (`../shared`), then /work/shared. Benchmarks
 * and notebooks use it; unit tests must not (they use testdata/ slices or generated data).
 */
export function sharedDir(): string {
  const candidates = [process.env.HEADROOM_SHARED_DIR, join(REPO_ROOT, '..', 'shared'), '/work/shared'];
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, 'data'))) return dir;
  }
  throw new Error('shared data not found: set HEADROOM_SHARED_DIR to the folder holding data/ and tools/');
}

/** Root of this checkout. */
export function repoRoot(): string {
  return REPO_ROOT;
}
