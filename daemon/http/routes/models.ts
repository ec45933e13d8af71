import { z } from 'zod';
import type { ModelRegistry } from '../../../models/registry/model-registry.js';
import { defineRoute, type ApiRoutes } from '../api-route.js';

export interface ModelsRouteDeps {
  registry: ModelRegistry;
  /** What serves now and the last retrain outcome. */
  status: () => Record<string, unknown>;
}

const scoreSchema = z.object({
  modelId: z.string(),
  version: z.string().optional(),
  wape: z.number().meta({ description: 'Weighted absolute percentage error (lower is better).' }),
  coverage: z.number().meta({ description: 'Share of actuals inside p10..p90.' }),
  targets: z.number().int(),
});

const modelSchema = z
  .object({
    version: z.string().meta({ description: 'Registry version: `<UTC time>-<modelId>`.' }),
    modelId: z.string(),
    modelVersion: z.string(),
    createdAtMs: z.number().int(),
    backend: z.string(),
    stepMs: z.number().int(),
    horizonSteps: z.number().int(),
    trainingWindow: z.object({ fromMs: z.number(), toMs: z.number(), series: z.number().int() }),
    backtest: z.object({ scores: z.array(scoreSchema), fromMs: z.number(), toMs: z.number() }),
    promoted: z.boolean(),
  })
  .meta({ id: 'Model' });

const modelsResponseSchema = z
  .object({
    promoted: z
      .object({ version: z.string(), promotedAtMs: z.number().int(), reason: z.string() })
      .nullable(),
    models: z.array(modelSchema),
    serving: z.union([
      z.literal('baselines'),
      z.object({ model: z.string(), version: z.string(), stepMs: z.number().int() }),
    ]),
    series: z.number().int().meta({ description: 'Series with a forecast in memory.' }),
    retraining: z.boolean(),
    lastRetrain: z.object({ outcome: z.enum(['promoted', 'kept']), reason: z.string() }).optional(),
    lastError: z.string().optional(),
  })
  .meta({ description: 'The registry (newest 20 versions first) and the forecasting status.' });

const VERSION = '20260105T031700Z-quantile-mlp';

/** GET /models (forecasting module). */
export function mountModelsRoutes(api: ApiRoutes, deps: ModelsRouteDeps): void {
  defineRoute(api, {
    method: 'get',
    path: '/models',
    tags: ['forecasts'],
    auth: 'read',
    summary: "The model registry's versions with their backtest scores, and which one serves",
    response: { description: 'Registry and serving status.', schema: modelsResponseSchema },
    examples: {
      response: {
        promoted: { version: VERSION, promotedAtMs: 1767583080000, reason: 'wape 8.10% beats 11.42%' },
        models: [
          {
            version: VERSION,
            modelId: 'quantile-mlp',
            modelVersion: '1',
            createdAtMs: 1767583020000,
            backend: 'wasm',
            stepMs: 60000,
            horizonSteps: 150,
            trainingWindow: { fromMs: 1765164000000, toMs: 1767410220000, series: 9 },
            backtest: {
              scores: [
                { modelId: 'quantile-mlp', version: VERSION, wape: 0.081, coverage: 0.79, targets: 25920 },
                { modelId: 'seasonal-naive-daily', wape: 0.1142, coverage: 0.61, targets: 25920 },
              ],
              fromMs: 1767410220000,
              toMs: 1767583020000,
            },
            promoted: true,
          },
        ],
        serving: { model: 'quantile-mlp', version: VERSION, stepMs: 60000 },
        series: 9,
        retraining: false,
        lastRetrain: { outcome: 'promoted', reason: 'wape 8.10% beats 11.42%' },
      },
    },
    handler: async () => {
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
      return { promoted: promoted ?? null, models, ...deps.status() };
    },
  });
}
