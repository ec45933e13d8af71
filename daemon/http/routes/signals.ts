import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import { MEASUREMENTS } from '../../../core/rollup.js';
import { querySignal } from '../../../core/signal-query.js';
import { SIGNALS } from '../../../core/signals.js';
import type { Store } from '../../../core/store.js';
import { ROLLUP_TAG_KEYS } from '../../../core/tags.js';
import { ApiError } from '../api-error.js';
import { defineRoute, type ApiRoutes } from '../api-route.js';
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

const signalsResponseSchema = z.object({
  signal: z.enum(SIGNALS),
  measurement: z.enum(MEASUREMENTS),
  from: z.number().int(),
  to: z.number().int(),
  step: z.string(),
  stepMs: z.number().int(),
  series: z.array(
    z.object({
      tags: z.record(z.string(), z.string()).meta({ description: 'Values of the groupBy tags.' }),
      points: z.array(z.object({ t: z.number().int(), value: z.number() })),
    }),
  ),
});

/**
 * `GET /signals?signal=latency_p95_ms&measurement=api_calls&provider=stripe&from=now-1h&step=1m
 * &groupBy=provider,endpoint` → `{ signal, measurement, from, to, step, stepMs, series: [{ tags,
 * points: [{ t, value }] }] }`, computed by core/signal-query.ts from rollups the store merges
 * per step (collector replicas and intervals merge, so quantiles come from merged histograms).
 * Defaults: `measurement=api_calls`, `to=now`, `from=to-1h`, a step giving ≤ 500 points (≥ 10s).
 * Tag parameters filter (repeat one to match any of several values).
 */
export function mountSignalsRoutes(api: ApiRoutes, deps: SignalsRouteDeps): void {
  const query = z.strictObject({
    signal: z.enum(SIGNALS),
    measurement: z.enum(MEASUREMENTS).default('api_calls'),
    from: timeParam(deps.clock)
      .optional()
      .meta({ description: 'Start: epoch ms, ISO 8601 or now-1h (default: `to` minus 1 h).' }),
    to: timeParam(deps.clock).optional().meta({ description: 'End (exclusive; default: now).' }),
    step: stepParam
      .optional()
      .meta({ description: 'Step such as 10s, 1m, 1h (default: one giving at most 500 points).' }),
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
      .optional()
      .meta({ description: `Comma-separated tags to group by: ${ROLLUP_TAG_KEYS.join(', ')}.` }),
    ...tagFilterParams,
  });
  defineRoute(api, {
    method: 'get',
    path: '/signals',
    tags: ['telemetry'],
    auth: 'read',
    summary: 'A signal (rate, error ratio, latency quantile...) per step, grouped by tags',
    description:
      'Computed from the rollups the store merges per step: collector replicas and intervals ' +
      'merge, so quantiles come from merged histograms. Count-like signals fill empty steps ' +
      `with 0; others omit them. At most ${MAX_STEPS} steps and ${MAX_RANGE_MS / 86_400_000} days.`,
    query,
    response: { description: 'One series per group.', schema: signalsResponseSchema },
    examples: {
      request: {
        query: {
          signal: 'latency_p95_ms',
          provider: 'stripe',
          from: '2026-01-05T13:57:00Z',
          to: '2026-01-05T13:59:00Z',
          step: '1m',
          groupBy: 'endpoint',
        },
      },
      response: {
        signal: 'latency_p95_ms',
        measurement: 'api_calls',
        from: 1767621420000,
        to: 1767621540000,
        step: '1m',
        stepMs: 60000,
        series: [
          {
            tags: { endpoint: '/v1/charges' },
            points: [
              { t: 1767621420000, value: 203.27520373544056 },
              { t: 1767621480000, value: 683.7335605244022 },
            ],
          },
        ],
      },
    },
    handler: async ({ query: params }) => {
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
      return {
        signal: params.signal,
        measurement: params.measurement,
        from,
        to,
        step: formatDuration(stepMs),
        stepMs,
        series,
      };
    },
  });
}

function autoStep(rangeMs: number): number {
  return (
    NICE_STEPS_MS.find((step) => rangeMs / step <= 500) ?? Math.ceil(rangeMs / 500 / 86_400_000) * 86_400_000
  );
}
