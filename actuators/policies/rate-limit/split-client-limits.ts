import type { RateLimitState } from '../../../core/actuator.js';
import type { RateLimitPolicyConfig } from './config.js';

/**
 * Splits an aggregate limit among the configured clients.
 * - `strict` (shedding, pacing or a surge ahead): each client gets its floor plus its weighted
 *   share of what is left above the floors, so the clients together never exceed the aggregate
 *   and critical floors always pass.
 * - `borrow` (healthy, no surge): each client may use the whole aggregate less the floors of the
 *   others, so an idle client's share is not wasted; the aggregate limit still caps the sum.
 */
export function splitClientLimits(
  aggregatePerSecond: number,
  clients: RateLimitPolicyConfig['clients'],
  mode: 'strict' | 'borrow',
  burstSeconds: number,
): Record<string, RateLimitState> {
  const out: Record<string, RateLimitState> = {};
  const floors = clients.reduce((s, c) => s + c.floorPerSecond, 0);
  const weights = clients.reduce((s, c) => s + c.weight, 0);
  const spare = Math.max(0, aggregatePerSecond - floors);
  for (const c of clients) {
    const rate =
      mode === 'strict'
        ? c.floorPerSecond + (weights > 0 ? (spare * c.weight) / weights : 0)
        : aggregatePerSecond - (floors - c.floorPerSecond);
    const rounded = Math.floor(Math.max(c.floorPerSecond, rate) * 100) / 100;
    out[c.client] = { ratePerSecond: rounded, burst: Math.max(1, Math.ceil(rounded * burstSeconds)) };
  }
  return out;
}
