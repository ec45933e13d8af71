import { z } from 'zod';
import type { ControlKind, ControlStates, RoutingState } from '../core/actuator.js';
import { HeadroomError } from '../core/errors.js';

const rangeShape = {
  min: z.number().min(0),
  max: z.number().min(0),
};
const minNotAboveMax = (r: { min: number; max: number }): boolean => r.min <= r.max;
const rangeError = { message: 'min must not be greater than max', path: ['min'] };

/**
 * Hard limits per control, enforced by the guard after the policy and any operator override:
 * `replicas` bounds the replica count, `rate_limit` the rate (requests per second, plus an
 * optional burst ceiling), `cache_ttl` the TTL in seconds, `routing` each endpoint's weight.
 */
export const boundsSchema = z.strictObject({
  replicas: z.strictObject(rangeShape).refine(minNotAboveMax, rangeError).optional(),
  rate_limit: z
    .strictObject({ ...rangeShape, maxBurst: z.number().int().min(0).optional() })
    .refine(minNotAboveMax, rangeError)
    .optional(),
  cache_ttl: z.strictObject(rangeShape).refine(minNotAboveMax, rangeError).optional(),
  routing: z.strictObject(rangeShape).refine(minNotAboveMax, rangeError).optional(),
});
export type Bounds = z.infer<typeof boundsSchema>;

export interface Clamped<C extends ControlKind> {
  state: ControlStates[C];
  /** Readable note when the state was changed to fit the bounds. */
  note: string | undefined;
}

const clampNumber = (v: number, min: number, max: number): number => Math.min(max, Math.max(min, v));

/**
 * Fits `state` into the configured bounds. A routing state that would leave no endpoint serving
 * traffic is refused outright (non-retryable): clamping cannot make it safe.
 */
export function clampToBounds<C extends ControlKind>(
  control: C,
  state: ControlStates[C],
  bounds: Bounds,
): Clamped<C> {
  const s = state as ControlStates[ControlKind];
  let out: ControlStates[ControlKind] = s;
  let note: string | undefined;
  switch (control) {
    case 'replicas': {
      const b = bounds.replicas;
      const v = (s as ControlStates['replicas']).replicas;
      if (b && (v < b.min || v > b.max)) {
        out = { replicas: clampNumber(v, Math.ceil(b.min), Math.floor(b.max)) };
        note = `replicas ${v} clamped to bounds [${b.min}, ${b.max}]`;
      }
      break;
    }
    case 'rate_limit': {
      const b = bounds.rate_limit;
      const r = s as ControlStates['rate_limit'];
      if (!b) break;
      const rate = clampNumber(r.ratePerSecond, b.min, b.max);
      const burst = b.maxBurst === undefined ? r.burst : Math.min(r.burst, b.maxBurst);
      if (rate !== r.ratePerSecond || burst !== r.burst) {
        out = { ratePerSecond: rate, burst };
        note = `rate ${r.ratePerSecond}/s burst ${r.burst} clamped to bounds [${b.min}, ${b.max}]/s${
          b.maxBurst === undefined ? '' : ` burst <= ${b.maxBurst}`
        }`;
      }
      break;
    }
    case 'cache_ttl': {
      const b = bounds.cache_ttl;
      const c = s as ControlStates['cache_ttl'];
      if (b && (c.ttlSeconds < b.min || c.ttlSeconds > b.max)) {
        out = { ...c, ttlSeconds: clampNumber(c.ttlSeconds, b.min, b.max) };
        note = `TTL ${c.ttlSeconds}s clamped to bounds [${b.min}, ${b.max}]s`;
      }
      break;
    }
    case 'routing': {
      const b = bounds.routing;
      const r = s as RoutingState;
      let weights = r.weights;
      if (b) {
        const changed = Object.entries(r.weights).filter(([, w]) => w < b.min || w > b.max);
        if (changed.length > 0) {
          weights = Object.fromEntries(
            Object.entries(r.weights).map(([e, w]) => [e, clampNumber(w, b.min, b.max)]),
          );
          out = { ...r, weights };
          note = `weights of ${changed.map(([e]) => e).join(', ')} clamped to bounds [${b.min}, ${b.max}]`;
        }
      }
      assertSomeEndpointServes({ ...r, weights });
      break;
    }
  }
  return { state: out as ControlStates[C], note };
}

function assertSomeEndpointServes(r: RoutingState): void {
  const serving = Object.entries(r.weights).filter(([e, w]) => w > 0 && !r.down.includes(e));
  if (serving.length === 0) {
    throw new HeadroomError(
      'routing_refused',
      'refused: the routing state leaves no endpoint with weight > 0 that is not down',
      { retryable: false },
    );
  }
}
