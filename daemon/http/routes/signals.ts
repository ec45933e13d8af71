import { Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import { MEASUREMENTS } from '../../../core/rollup.js';
import { querySignal } from '../../../core/signal-query.js';
import { SIGNALS } from '../../../core/signals.js';
import type { Store } from '../../../core/store.js';
import { ROLLUP_TAG_KEYS } from '../../../core/tags.js';
import { ApiError } from '../api-error.js';
import { parseRequest } from '../validate.js';
import { formatDuration, stepParam, tagFilterOf, tagFilterParams, timeParam } from './query-params.js';

/** Most steps one query may return per series (Grafana's limit for the same reason). */
export const MAX_STEPS = 11_000;
/** Longest range one query may cover. */
export const MAX_RANGE_MS = 400 * 86_400_000;
const DEFAULT_RANGE_MS = 3_600_000;
const NICE_STEPS_MS = [10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000];

export interface SignalsRouteDeps {
  store: Store;
  clock: Clock;
}

/**
 * `GET /signals?signal=latency_p95_ms&measurement=api_calls&provider=stripe&from=now-1h&step=1m
 * &groupBy=provider,endpoint` → `{ signal, measurement, from, to, step, stepMs, series: [{ tags,
 * points: [{ t, value }] }] }`, computed by core/signal-query.ts from rollups the store merges
 * per step (collector replicas and intervals merge, so quantiles come from merged histograms).
 * Defaults: `measurement=api_calls`, `to=now`, `from=to-1h`, a step giving ≤ 500 points (≥ 10s).
 * Tag parameters filter (repeat one to match any of several values).
 */
export function signalsRoutes(deps: SignalsRouteDeps): Router {
  const query = z.strictObject({
    signal: z.enum(SIGNALS),
    measurement: z.enum(MEASUREMENTS).default('api_calls'),
    from: timeParam(deps.clock).optional(),
    to: timeParam(deps.clock).optional(),
    step: stepParam.optional(),
    groupBy: z
      .string()
      .max(200)
      .transform((text, ctx) => {
        const keys = text
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean);
        const unknown = keys.find((k) => !(ROLLUP_TAG_KEYS as readonly string[]).includes(k));
        if (unknown !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown tag "${unknown}"; expected some of ${ROLLUP_TAG_KEYS.join(', ')}`,
          });
          return z.NEVER;
        }
        return [...new Set(keys)];
      })
      .optional(),
    ...tagFilterParams,
  });
  const router = Router();
  router.get('/signals', async (req, res) => {
    const params = parseRequest(query, req);
    const to = params.to ?? deps.clock.now();
    const from = params.from ?? to - DEFAULT_RANGE_MS;
    if (!(from < to))
      throw new ApiError(400, 'invalid_parameter', 'parameter "from": must be before "to"', 'from');
    if (to - from > MAX_RANGE_MS) {
      throw new ApiError(
        400,
        'invalid_parameter',
        `parameter "from": the range may cover at most ${MAX_RANGE_MS / 86_400_000} days`,
        'from',
      );
    }
    const stepMs = params.step ?? autoStep(to - from);
    if (Math.ceil((to - from) / stepMs) > MAX_STEPS) {
      throw new ApiError(
        400,
        'invalid_parameter',
        `parameter "step": the range would need more than ${MAX_STEPS} steps; use a larger step`,
        'step',
      );
    }
    const series = await querySignal(deps.store, {
      signal: params.signal,
      measurement: params.measurement,
      from,
      to,
      stepMs,
      where: tagFilterOf(params),
      groupBy: params.groupBy ?? [],
    });
    res.json({
      signal: params.signal,
      measurement: params.measurement,
      from,
      to,
      step: formatDuration(stepMs),
      stepMs,
      series,
    });
  });
  return router;
}

function autoStep(rangeMs: number): number {
  return (
    NICE_STEPS_MS.find((step) => rangeMs / step <= 500) ?? Math.ceil(rangeMs / 500 / 86_400_000) * 86_400_000
  );
}
