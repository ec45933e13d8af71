import type { CacheTtlState } from '../../../core/actuator.js';
import type { Decision, PolicyContext, Suppression } from '../../../core/policy.js';
import { finite, fmt, latencyRatio, type HealthSignals } from '../health.js';
import type { CacheTtlPolicyConfig } from './config.js';

export interface CacheTtlMemory {
  /** When the endpoint last looked degraded. */
  readonly degradedAtMs?: number;
}

export interface CacheTtlInput extends PolicyContext<CacheTtlState, CacheTtlPolicyConfig, CacheTtlMemory> {
  readonly health: HealthSignals;
}

export type CacheTtlDecision = Decision<CacheTtlState, CacheTtlMemory>;

/**
 * Cache TTL for one provider endpoint: calculate (degraded: grow by `growthFactor` towards the
 * maximum and serve stale on error; healthy: aim for the base TTL) → stabilise (keep the long
 * TTL until healthy for `holdSeconds`) → limit the rate of change (shorten by at most
 * `shortenPercent` per decision, so caches refill from a provider that just recovered gradually)
 * → clamp to [base, max] → record. Lengthening is immediate: a degraded provider is exactly when
 * waiting costs users.
 */
export function cacheTtlPolicy(input: CacheTtlInput): CacheTtlDecision {
  const { config, nowMs, health } = input;
  const last = input.history[input.history.length - 1];
  const current = input.current ??
    last?.desired ?? { ttlSeconds: config.baseTtlSeconds, staleOnError: false };
  const suppressed: Suppression<CacheTtlState>[] = [];
  const details: string[] = [];

  // 1. calculate
  const symptoms = degradedSymptoms(health, config);
  const degraded = symptoms.length > 0;
  let degradedAtMs = degraded ? nowMs : last?.memory.degradedAtMs;
  let ttl: number;
  if (degraded) {
    ttl = Math.max(config.baseTtlSeconds, current.ttlSeconds) * config.growthFactor;
    details.push(`degraded (${symptoms.join(', ')}): TTL × ${config.growthFactor}`);
  } else {
    ttl = config.baseTtlSeconds;
    details.push('healthy: TTL returns to its base');
  }

  // 2. stabilise
  if (
    ttl < current.ttlSeconds &&
    degradedAtMs !== undefined &&
    nowMs - degradedAtMs < config.recovery.holdSeconds * 1000
  ) {
    suppressed.push({
      stage: 'stabilise',
      wanted: { ttlSeconds: ttl, staleOnError: current.staleOnError },
      reason: `shortening held: degraded ${fmt((nowMs - degradedAtMs) / 1000, 0)} s ago (hold ${config.recovery.holdSeconds} s)`,
    });
    ttl = current.ttlSeconds;
  }
  if (
    degradedAtMs !== undefined &&
    nowMs - degradedAtMs >= config.recovery.holdSeconds * 1000 &&
    current.ttlSeconds <= config.baseTtlSeconds
  ) {
    degradedAtMs = undefined;
  }

  // 3. rate limit
  const floorThisStep = current.ttlSeconds * (1 - config.recovery.shortenPercent / 100);
  if (ttl < floorThisStep) {
    suppressed.push({
      stage: 'rate_limit',
      wanted: { ttlSeconds: ttl, staleOnError: current.staleOnError },
      reason: `shortening limited to ${config.recovery.shortenPercent} % per decision`,
    });
    ttl = floorThisStep;
  }

  // 4. clamp
  if (ttl > config.maxTtlSeconds) {
    suppressed.push({
      stage: 'clamp',
      wanted: { ttlSeconds: ttl, staleOnError: true },
      reason: `capped at maxTtlSeconds ${config.maxTtlSeconds}`,
    });
  }
  ttl = Math.round(Math.min(config.maxTtlSeconds, Math.max(config.baseTtlSeconds, ttl)));

  // 5. record
  const staleOnError =
    config.staleOnError === 'always' ||
    (config.staleOnError === 'when_degraded' && (degraded || ttl > config.baseTtlSeconds));
  const desired: CacheTtlState = { ttlSeconds: ttl, staleOnError };
  const changed =
    input.current === undefined ||
    input.current.ttlSeconds !== ttl ||
    input.current.staleOnError !== staleOnError;
  const summary = `${changed ? 'set' : 'keep'} TTL ${ttl} s${staleOnError ? ', stale on error' : ''} for ${config.provider} ${config.endpoint}`;
  return {
    desired,
    changed,
    reasons: [summary, ...details],
    suppressed,
    memory: degradedAtMs === undefined ? {} : { degradedAtMs },
  };
}

function degradedSymptoms(health: HealthSignals, config: CacheTtlPolicyConfig): string[] {
  const out: string[] = [];
  const anomaly = finite(health.anomalyScore);
  const errors = finite(health.errorRatio);
  const ratio = latencyRatio(health);
  if (anomaly !== undefined && anomaly >= config.degradedWhen.anomalyScore)
    out.push(`anomaly score ${fmt(anomaly)}`);
  if (errors !== undefined && errors >= config.degradedWhen.errorRatio)
    out.push(`error ratio ${fmt(errors, 3)}`);
  if (ratio !== undefined && ratio >= config.degradedWhen.latencyRatio)
    out.push(`latency ${fmt(ratio)}× normal`);
  return out;
}
