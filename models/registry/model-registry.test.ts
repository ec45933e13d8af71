import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HeadroomError } from '../../core/errors.js';
import { ModelRegistry } from './model-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-model-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const artefact = {
  modelId: 'holt-winters',
  modelVersion: '1',
  createdAtMs: Date.UTC(2026, 0, 5, 3, 17),
  backend: 'none',
  stepMs: 60_000,
  horizonSteps: 60,
  trainingWindow: { fromMs: 0, toMs: 1, series: 1 },
  backtest: { scores: [], fromMs: 0, toMs: 1 },
  config: {},
};

describe('ModelRegistry', () => {
  it('saves artefacts with unique versions, promotes one and logs decisions', async () => {
    const registry = new ModelRegistry(join(dir, 'r'));
    expect(await registry.versions()).toEqual([]);
    expect(await registry.promoted()).toBeUndefined();
    const a = await registry.save(artefact, { modelId: 'holt-winters', modelVersion: '1', fit: { x: 1 } });
    const b = await registry.save(artefact, { modelId: 'holt-winters', modelVersion: '1', fit: { x: 2 } });
    expect(a.version).toBe('20260105T031700Z-holt-winters');
    expect(b.version).toBe('20260105T031700Z-holt-winters-2');
    expect((await registry.snapshot(b.version)).fit).toEqual({ x: 2 });
    expect((await registry.artefact(a.version)).horizonSteps).toBe(60);
    await registry.promote(b.version, 'better', 5);
    expect(await registry.promoted()).toEqual({ version: b.version, promotedAtMs: 5, reason: 'better' });
    await registry.recordDecision({ atMs: 5, candidate: b.version, decision: { outcome: 'promoted', reason: 'better' } });
    expect(readFileSync(join(dir, 'r', 'decisions.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('refuses unknown and path-like versions', async () => {
    const registry = new ModelRegistry(join(dir, 's'));
    await expect(registry.promote('nope', 'x', 1)).rejects.toMatchObject({ code: 'registry_missing' });
    await expect(registry.artefact('../../etc')).rejects.toBeInstanceOf(HeadroomError);
  });
});
