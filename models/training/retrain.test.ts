import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RegularSeries } from '../../core/time-series.js';
import { syntheticLoad } from '../forecasters/testing/synthetic-series.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { PromotedForecaster } from '../registry/promoted-forecaster.js';
import { retrain } from './retrain.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-registry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = Date.UTC(2026, 1, 1);
const histories: RegularSeries[] = [1, 2, 3].map((seed) =>
  syntheticLoad({ days: 18, noise: 0.1, weekendDip: 0.3, level: 50 * seed, seed }),
);
const small = { samplesPerFit: 3000, epochs: 3, refitEpochs: 1 };

describe('retrain and the registry', () => {
  it('promotes a first candidate that beats seasonal naive, then keeps the current one when a rival is no better', async () => {
    const registryDir = join(dir, 'a');
    const stages: string[] = [];
    const first = await retrain({
      histories,
      registryDir,
      now: NOW,
      horizonSteps: 3,
      mlp: small,
      onProgress: (e) => stages.push(e.stage),
    });
    const byId = Object.fromEntries(first.scores.map((s) => [s.modelId, s]));
    expect(Object.keys(byId)).toEqual(
      expect.arrayContaining([
        'quantile-mlp',
        'holt-winters',
        'seasonal-naive-daily',
        'seasonal-naive-weekly',
      ]),
    );
    const naive = Math.min(byId['seasonal-naive-daily']!.wape, byId['seasonal-naive-weekly']!.wape);
    const challenger = Math.min(byId['quantile-mlp']!.wape, byId['holt-winters']!.wape);
    expect(first.candidate.modelId).toBe(
      byId['quantile-mlp']!.wape <= byId['holt-winters']!.wape ? 'quantile-mlp' : 'holt-winters',
    );
    expect(first.outcome).toBe(challenger < naive ? 'promoted' : 'kept');
    expect(stages).toContain('final fit');
    const registry = new ModelRegistry(registryDir);
    const saved = await registry.artefact(first.candidate.version);
    expect(saved.trainingWindow.series).toBe(3);
    expect(saved.backend).toMatch(/wasm|cpu|tensorflow|none/);
    expect(saved.backtest.scores.length).toBeGreaterThanOrEqual(4);
    expect(first.outcome).toBe('promoted'); // the synthetic series are easy: naive must lose
    expect((await registry.promoted())?.version).toBe(first.candidate.version);

    // The same data again with a naive candidate: the best challenger is the model that serves
    // already (same data, same fit), so it is not strictly better and nothing changes.
    const second = await retrain({
      histories,
      registryDir,
      now: NOW + 1,
      horizonSteps: 3,
      mlp: small,
      candidate: 'seasonal-naive-daily',
    });
    expect(second.outcome).toBe('kept');
    expect(second.reason).toMatch(/does not beat/);
    expect(second.servingVersion).toBe(first.candidate.version);
    expect((await registry.versions()).length).toBe(2);
  });

  it('serves the promoted model and falls back with a reason on a cold start', async () => {
    const registryDir = join(dir, 'b');
    const empty = await PromotedForecaster.open(registryDir);
    const [noModel] = await empty.forecastMany([histories[0]!], 6);
    expect(noModel!.note).toMatch(/no trained model has been promoted yet; using seasonal-naive-weekly/);

    const report = await retrain({
      histories,
      registryDir,
      now: NOW,
      horizonSteps: 3,
      mlp: small,
      candidate: 'holt-winters',
    });
    expect(report.outcome).toBe('promoted');
    const service = await PromotedForecaster.open(registryDir);
    const short: RegularSeries = { ...histories[0]!, values: histories[0]!.values.subarray(0, 10) };
    const [full, cold] = await service.forecastMany([histories[1]!, short], 6);
    expect(full!.forecast.modelId).toBe('holt-winters');
    expect(full!.note).toBeUndefined();
    expect(full!.backtest?.wape).toBeGreaterThan(0);
    expect(cold!.note).toMatch(/cold start: 10\.0 h of history \(< 1 day\); using naive-last-value/);
    for (const f of [full!, cold!])
      expect([...f.forecast.p50, ...f.forecast.p10, ...f.forecast.p90].every(Number.isFinite)).toBe(true);
    service.dispose();
  });
});
