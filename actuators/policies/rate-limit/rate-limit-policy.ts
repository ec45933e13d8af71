import type { RateLimitState } from '../../../core/actuator.js';
import type { Forecast } from '../../../core/forecaster.js';
import type { Decision, PolicyContext, Suppression } from '../../../core/policy.js';
import { forecastPeak } from '../forecast-peak.js';
import { finite, fmt, latencyRatio, type HealthSignals } from '../health.js';
import type { RateLimitPolicyConfig } from './config.js';
import { splitClientLimits } from './split-client-limits.js';
import { forecastDemand } from './forecast-demand.js';

/** The provider's aggregate limit plus one limit per configured client. */
export interface RateLimitPlan extends RateLimitState {
  readonly clients: Readonly<Record<string, RateLimitState>>;
}

/** What the controller carries between decisions. */
export interface RateLimitMemory {
  /** The gradient/AIMD controller's limit (requests per second), before quota and pacing. */
  readonly adaptiveLimit: number;
  /** When the provider last looked degraded; increases wait `recoverAfterSeconds` after it. */
  readonly degradedAtMs?: number;
}

export interface RateLimitInput extends PolicyContext<RateLimitPlan, RateLimitPolicyConfig, RateLimitMemory> {
  /** Aggregate requests per second to the provider in the latest interval. */
  readonly currentRatePerSecond?: number;
  /** Forecast of requests per second to the provider. */
  readonly forecast?: Forecast;
  /** Requests already spent in the current quota window (quotas longer than a second). */
  readonly quotaUsed?: { readonly windowStartMs: number; readonly requests: number };
  readonly health: HealthSignals;
}

export type RateLimitDecision = Decision<RateLimitPlan, RateLimitMemory>;

/**
 * Rate limits for one provider: calculate (quota ceiling, pacing of a windowed quota against
 * the forecast demand, a Gradient2-style latency gradient / AIMD controller) → stabilise (no
 * increase until healthy for `recoverAfterSeconds`) → limit the rate of change (additive
 * increase, at most `minGradient` per decision down, except for the quota itself) → clamp to
 * [floor, ceiling] → record, then split the aggregate among the clients.
 *
 * Decreases are taken relative to the traffic actually flowing (as Gradient2 does with its
 * in-flight count), otherwise a limit far above the traffic would "shed" nothing for many steps.
 */
export function rateLimitPolicy(input: RateLimitInput): RateLimitDecision {
  const { config, nowMs, health } = input;
  const suppressed: Suppression<RateLimitPlan>[] = [];
  const details: string[] = [];
  const last = input.history[input.history.length - 1];
  const ceiling = (config.quota.requests / config.quota.perSeconds) * (1 - config.safetyMargin);
  const floor = Math.max(
    config.floorPerSecond,
    config.clients.reduce((s, c) => s + c.floorPerSecond, 0),
  );
  const current = input.current?.ratePerSecond ?? last?.desired.ratePerSecond ?? ceiling;
  const traffic = finite(input.currentRatePerSecond);
  const a = config.adaptive;
  details.push(
    `quota ${fmt(config.quota.requests)} per ${fmt(config.quota.perSeconds)} s less ${config.safetyMargin * 100} % margin: ceiling ${fmt(ceiling)}/s`,
  );

  // 1. calculate: pacing of a windowed quota
  let paced = Number.POSITIVE_INFINITY;
  if (config.quota.perSeconds > 1 && input.quotaUsed) {
    const windowEndMs = input.quotaUsed.windowStartMs + config.quota.perSeconds * 1000;
    const remainingSeconds = Math.max(1, (windowEndMs - nowMs) / 1000);
    const budget = Math.max(0, config.quota.requests * (1 - config.safetyMargin) - input.quotaUsed.requests);
    const demand = input.forecast
      ? forecastDemand(input.forecast, config.surge.quantile, nowMs, windowEndMs, traffic)
      : (traffic ?? 0) * remainingSeconds;
    if (demand > budget) {
      paced = budget / remainingSeconds;
      details.push(
        `${input.forecast ? 'forecast' : 'current'} demand ${fmt(demand, 0)} over the rest of the quota window exceeds the ${fmt(budget, 0)} left: pacing at ${fmt(paced)}/s`,
      );
    }
  }

  // 1. calculate: surge ahead
  const peak = input.forecast
    ? forecastPeak(
        input.forecast,
        config.surge.quantile === 'p50' ? 0.5 : 0.9,
        nowMs,
        nowMs + config.surge.lookaheadSeconds * 1000,
      )
    : undefined;
  const surge = peak !== undefined && peak.value > ceiling;
  if (surge && peak) {
    details.push(
      `forecast ${config.surge.quantile} ${fmt(peak.value)}/s at ${new Date(peak.atMs).toISOString()} exceeds the ceiling: burst and client shares tightened ahead of it`,
    );
  }

  // 1. calculate: adaptive controller
  const previous = last?.memory.adaptiveLimit ?? ceiling;
  const ratio = latencyRatio(health);
  const errors = finite(health.errorRatio);
  const anomaly = finite(health.anomalyScore);
  const base = Math.min(previous, traffic ?? previous);
  let adaptive: number;
  let degradedAtMs = last?.memory.degradedAtMs;
  if (ratio !== undefined && ratio > a.latencyTolerance) {
    const gradient = Math.max(a.minGradient, a.latencyTolerance / ratio);
    adaptive = base * gradient;
    degradedAtMs = nowMs;
    details.push(
      `latency ${fmt(ratio)}× normal (tolerance ${a.latencyTolerance}×): limit × ${fmt(gradient)} of ${fmt(base)}/s`,
    );
  } else if (
    (errors !== undefined && errors >= a.errorRatioThreshold) ||
    (anomaly !== undefined && anomaly >= a.anomalyThreshold)
  ) {
    adaptive = base * a.backoffRatio;
    degradedAtMs = nowMs;
    const why =
      errors !== undefined && errors >= a.errorRatioThreshold
        ? `error ratio ${fmt(errors, 3)} ≥ ${a.errorRatioThreshold}`
        : `anomaly score ${fmt(anomaly ?? 0)} ≥ ${a.anomalyThreshold}`;
    details.push(`${why}: limit × ${a.backoffRatio} of ${fmt(base)}/s`);
  } else {
    adaptive = previous + (ceiling * a.increasePercent) / 100;
  }
  // 2. stabilise: no increase until healthy for recoverAfterSeconds
  if (
    adaptive > previous &&
    degradedAtMs !== undefined &&
    nowMs - degradedAtMs < a.recoverAfterSeconds * 1000
  ) {
    suppressed.push({
      stage: 'stabilise',
      wanted: plan(Math.min(adaptive, ceiling), config.burstSeconds, {}),
      reason: `increase held: provider degraded ${fmt((nowMs - degradedAtMs) / 1000, 0)} s ago (wait ${a.recoverAfterSeconds} s)`,
    });
    adaptive = previous;
  }
  let value = Math.min(ceiling, paced, adaptive);
  // The controller's own state stays within [floor, ceiling] so that it cannot wind up.
  adaptive = Math.min(ceiling, Math.max(floor, adaptive));

  // 3. rate limit: additive increase, bounded decrease (the quota and pacing are hard limits)
  const maxUp = current + (ceiling * a.increasePercent) / 100;
  if (value > maxUp) {
    suppressed.push({
      stage: 'rate_limit',
      wanted: plan(value, config.burstSeconds, {}),
      reason: `increase limited to ${a.increasePercent} % of the ceiling per decision`,
    });
    value = maxUp;
  }
  const maxDown = Math.min(Math.min(current, traffic ?? current) * a.minGradient, ceiling, paced);
  if (value < maxDown) {
    suppressed.push({
      stage: 'rate_limit',
      wanted: plan(value, config.burstSeconds, {}),
      reason: `decrease limited to × ${a.minGradient} per decision`,
    });
    value = maxDown;
  }

  // 4. clamp
  if (value < floor) {
    suppressed.push({
      stage: 'clamp',
      wanted: plan(value, config.burstSeconds, {}),
      reason: `${fmt(value)}/s is below the floor ${fmt(floor)}/s that keeps critical traffic passing`,
    });
    value = floor;
  }
  if (value > ceiling) value = ceiling;

  // 5. record
  const rate = round(value);
  const strict = surge || rate < round(ceiling);
  const burstSeconds = surge ? config.surge.burstSeconds : config.burstSeconds;
  const clients = splitClientLimits(rate, config.clients, strict ? 'strict' : 'borrow', burstSeconds);
  const desired = plan(rate, burstSeconds, clients);
  const changed =
    input.current === undefined ||
    input.current.ratePerSecond !== desired.ratePerSecond ||
    input.current.burst !== desired.burst;
  const summary = `${changed ? 'set' : 'keep'} ${fmt(rate)}/s burst ${desired.burst} for ${config.provider}${
    config.clients.length > 0
      ? ` (${strict ? 'strict client shares' : 'clients may borrow unused quota'})`
      : ''
  }`;
  return {
    desired,
    changed,
    reasons: [summary, ...details],
    suppressed,
    memory:
      degradedAtMs === undefined ? { adaptiveLimit: adaptive } : { adaptiveLimit: adaptive, degradedAtMs },
  };
}

function plan(rate: number, burstSeconds: number, clients: Record<string, RateLimitState>): RateLimitPlan {
  return { ratePerSecond: round(rate), burst: Math.max(1, Math.ceil(rate * burstSeconds)), clients };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
