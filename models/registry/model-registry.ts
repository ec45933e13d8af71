import { mkdir, readdir, readFile, rename, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ForecasterSnapshot } from '../../core/forecaster.js';
import { HeadroomError } from '../../core/errors.js';
import type { ModelScore, PromotionDecision } from './promotion.js';

/** Metadata saved beside every model's weights. */
export interface ModelArtefact {
  /** Registry version: `<UTC time>-<modelId>`, unique within the folder. */
  readonly version: string;
  readonly modelId: string;
  readonly modelVersion: string;
  readonly createdAtMs: number;
  /** TensorFlow.js backend that trained it ('none' for models without tensors). */
  readonly backend: string;
  readonly stepMs: number;
  readonly horizonSteps: number;
  readonly trainingWindow: { readonly fromMs: number; readonly toMs: number; readonly series: number };
  /** Walk-forward scores on the promotion window: the model's own and every rival's. */
  readonly backtest: {
    readonly scores: readonly ModelScore[];
    readonly fromMs: number;
    readonly toMs: number;
  };
  readonly config: Readonly<Record<string, unknown>>;
}

export interface PromotedPointer {
  readonly version: string;
  readonly promotedAtMs: number;
  readonly reason: string;
}

/**
 * A folder of model artefacts (DESIGN.md "Models": models/registry):
 * `versions/<version>/artefact.json` (metadata) and `snapshot.json` (weights and parameters),
 * `promoted.json` (which version serves, and why), `decisions.jsonl` (every retrain outcome).
 * Files are written to a temporary name and renamed, so a crash never leaves half an artefact
 * and a reader never sees one. This is the one place in models/ that touches the file system;
 * the daemon and CLI pass the folder in. Not safe for two writers at once (the daemon runs one
 * retrain at a time).
 */
export class ModelRegistry {
  constructor(readonly dir: string) {}

  async save(artefact: Omit<ModelArtefact, 'version'>, snapshot: ForecasterSnapshot): Promise<ModelArtefact> {
    const base = `${new Date(artefact.createdAtMs)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')}-${artefact.modelId}`;
    const existing = new Set(await this.versions());
    let version = base;
    for (let i = 2; existing.has(version); i++) version = `${base}-${i}`;
    const full: ModelArtefact = { ...artefact, version };
    const folder = join(this.dir, 'versions', version);
    await mkdir(folder, { recursive: true });
    await writeAtomic(join(folder, 'snapshot.json'), JSON.stringify(snapshot));
    await writeAtomic(join(folder, 'artefact.json'), JSON.stringify(full, null, 2));
    return full;
  }

  /** Saved versions, oldest first. */
  async versions(): Promise<string[]> {
    try {
      const names = await readdir(join(this.dir, 'versions'));
      return names.filter((n) => !n.startsWith('.')).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async artefact(version: string): Promise<ModelArtefact> {
    return readJson<ModelArtefact>(join(this.dir, 'versions', safe(version), 'artefact.json'));
  }

  async snapshot(version: string): Promise<ForecasterSnapshot> {
    return readJson<ForecasterSnapshot>(join(this.dir, 'versions', safe(version), 'snapshot.json'));
  }

  /** The serving model's pointer, or undefined when nothing was ever promoted. */
  async promoted(): Promise<PromotedPointer | undefined> {
    try {
      return await readJson<PromotedPointer>(join(this.dir, 'promoted.json'));
    } catch (err) {
      if (err instanceof HeadroomError && err.code === 'registry_missing') return undefined;
      throw err;
    }
  }

  async promote(version: string, reason: string, nowMs: number): Promise<PromotedPointer> {
    await this.artefact(version); // must exist
    const pointer: PromotedPointer = { version, promotedAtMs: nowMs, reason };
    await mkdir(this.dir, { recursive: true });
    await writeAtomic(join(this.dir, 'promoted.json'), JSON.stringify(pointer, null, 2));
    return pointer;
  }

  /** Appends one retrain outcome to the audit log. */
  async recordDecision(entry: {
    atMs: number;
    candidate: string;
    decision: PromotionDecision;
  }): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await appendFile(join(this.dir, 'decisions.jsonl'), JSON.stringify(entry) + '\n');
  }
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

async function readJson<T>(path: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HeadroomError('registry_missing', `model registry: ${path} does not exist`, { cause: err });
    }
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new HeadroomError('registry_corrupt', `model registry: ${path} is not valid JSON`, { cause: err });
  }
}

/** Versions are folder names: refuse anything that could walk out of the registry. */
function safe(version: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(version) || version.startsWith('.')) {
    throw new HeadroomError('bad_version', `not a registry version: "${version}"`);
  }
  return version;
}
