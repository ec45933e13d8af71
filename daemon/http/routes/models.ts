import express, { type Router } from 'express';
import type { ModelRegistry } from '../../../models/registry/model-registry.js';

export interface ModelsRouteDeps {
  registry: ModelRegistry;
  /** What serves now and the last retrain outcome. */
  status: () => Record<string, unknown>;
}

/** GET /models: the registry's versions with their backtest scores, and which one serves. */
export function modelsRoutes(deps: ModelsRouteDeps): Router {
  const router = express.Router();
  router.get('/models', async (_req, res) => {
    const promoted = await deps.registry.promoted();
    const versions = await deps.registry.versions();
    const models = [];
    for (const version of versions.slice(-20).reverse()) {
      const a = await deps.registry.artefact(version);
      models.push({
        version: a.version,
        modelId: a.modelId,
        modelVersion: a.modelVersion,
        createdAtMs: a.createdAtMs,
        backend: a.backend,
        stepMs: a.stepMs,
        horizonSteps: a.horizonSteps,
        trainingWindow: a.trainingWindow,
        backtest: a.backtest,
        promoted: promoted?.version === a.version,
      });
    }
    res.json({ promoted: promoted ?? null, models, ...deps.status() });
  });
  return router;
}
