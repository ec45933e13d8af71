import type { ReplicasState } from '../../../core/actuator.js';
import type { Forecast } from '../../../core/forecaster.js';
import type { Decision, PolicyContext, Suppression } from '../../../core/policy.js';
import { countChanges } from '../count-changes.js';
import { forecastPeak } from '../forecast-peak.js';
import { stabiliseRecommendation } from '../stabilise-recommendation.js';
import { pendingThreshold, updateCalibration, type BandCalibration } from './band-calibration.js';
import type { ScalingPolicyConfig } from './config.js';
import { commitBudget, updateBudget, type ViolationBudget } from './violation-budget.js';

/**
 * What the scaling policy remembers per decision: the raw recommendation its windows need and
 * the state of whichever sets the forecast band: the online calibration or the shortfall budget
 * against a shadow HPA.
 */
export interface ScalingMemory {
  readonly recommendation: number;
  readonly calibration?: BandCalibration;
  readonly budget?: ViolationBudget;
}

/** Inputs of one scaling decision for one service. */
export interface ScalingInput extends PolicyContext<ReplicasState, ScalingPolicyConfig, ScalingMemory> {
  /** Inbound load of the latest complete interval; NaN or undefined when unknown. */
  readonly currentLoad: number | undefined;
  /** Forecast of inbound load from about `nowMs` on; undefined when there is none. */
  readonly forecast: Forecast | undefined;
  /**
   * Why there is no forecast: `warming_up` (too little history for any model yet: scale on
   * current load alone, in both directions, as the HPA does) or `failed` (the model failed or
   * its forecast is stale: scale-in waits until forecast and load can agree again). Unset with
   * no forecast means `failed`.
   */
  readonly forecastMissing?: 'warming_up' | 'failed';
}

export type ScalingDecision = Decision<ReplicasState, ScalingMemory>;

const EPSILON = 1e-9;

/**
 * Replicas for one service, after the Kubernetes HPA (replica_calculator.go +
 * stabilizeRecommendationWithBehaviors), with a forecast term:
 *
 * 1. calculate: need = max(current load, forecast peak from now to now + startup delay +
 *    lookahead) / (capacity × target utilisation). The window starts now, not at now + delay,
 *    because a scale-down takes effect at once while getting a replica back takes the startup
 *    delay: what is decided now must carry every interval until a new replica could serve.
 *    No change within the tolerance; scale-in only when forecast and current load both ask
 *    for fewer replicas (a missing signal blocks scale-in, never scale-up). The band from p50 to
 *    the quantile is scaled by the online calibration (exceedance rate → 1 − quantile) or, with
 *    `violationBudget.mode: hpa`, by the shortfall budget (own shortfalls → ratio × a shadow
 *    HPA's on the same load; see violation-budget.ts).
 * 2. stabilise: separate up/down windows over past recommendations.
 * 3. rate limit: at most `maxChanges` per period, at most `maxStepPercent` per move.
 * 4. clamp to [minReplicas, maxReplicas].
 */
export function scalingPolicy(input: ScalingInput): ScalingDecision {
  const { config, nowMs, history } = input;
  const suppressed: Suppression<ReplicasState>[] = [];
  const details: string[] = [];
  const last = history[history.length - 1];
  const current = input.current?.replicas ?? last?.desired.replicas;

  // 1. calculate
  const toMs = nowMs + (config.startupDelaySeconds + config.lookaheadSeconds) * 1000;
  const level = config.forecastQuantile;
  const vb = config.violationBudget;
  const budget =
    vb.mode === 'hpa'
      ? updateBudget(last?.memory.budget, input.currentLoad, nowMs, current, {
          ...vb,
          capacityPerReplica: config.capacityPerReplica,
          targetUtilization: vb.hpaTargetUtilization,
          tolerance: vb.hpaTolerance,
          downStabilizationSeconds: vb.hpaDownStabilizationSeconds,
          minReplicas: config.minReplicas,
          maxReplicas: config.maxReplicas,
          startupDelaySeconds: config.startupDelaySeconds,
        })
      : undefined;
  // The budget, when on, sets the band in place of the online calibration.
  const online = vb.mode === 'off' && config.forecastCalibration.mode === 'online';
  const { scale: aciScale } = online
    ? updateCalibration(last?.memory.calibration, input.currentLoad, nowMs, {
        level,
        ...config.forecastCalibration,
      })
    : { scale: 1 };
  const scale = budget ? budget.scale : aciScale;
  const peak = input.forecast ? forecastPeak(input.forecast, level, nowMs, toMs, scale) : undefined;
  const floor =
    config.forecastCalibration.target === 'need' &&
    input.currentLoad !== undefined &&
    Number.isFinite(input.currentLoad)
      ? input.currentLoad
      : undefined;
  const pending =
    online && input.forecast ? pendingThreshold(input.forecast, level, scale, floor) : undefined;
  const calibration: BandCalibration | undefined = online
    ? pending
      ? { scale, pending }
      : { scale }
    : undefined;
  const utilization = peak ? config.targetUtilization : config.noForecastUtilization;
  const perReplica = config.capacityPerReplica * utilization;
  const load = input.currentLoad;
  const needFromLoad =
    load !== undefined && Number.isFinite(load) ? Math.max(0, load) / perReplica : undefined;
  const needFromForecast = peak ? Math.max(0, peak.value) / perReplica : undefined;
  if (needFromLoad !== undefined)
    details.push(`current load ${fmt(load ?? 0)} needs ${fmt(needFromLoad)} replicas`);
  else details.push('current load unknown');
  if (peak && needFromForecast !== undefined) {
    details.push(
      `forecast p${Math.round(level * 100)}${bandNote(scale, online, budget)} peaks at ${fmt(peak.value)} at ${iso(peak.atMs)} ` +
        `(within startup delay ${config.startupDelaySeconds} s + lookahead ${config.lookaheadSeconds} s), ` +
        `needs ${fmt(needFromForecast)} replicas`,
    );
  } else {
    details.push(
      `${input.forecast ? `forecast does not cover now .. ${iso(toMs)}` : 'no forecast'}: sizing at utilisation ${utilization}`,
    );
  }

  if (needFromLoad === undefined && needFromForecast === undefined) {
    const held = current ?? config.minReplicas;
    return finish(
      input,
      held,
      held,
      calibration,
      budget,
      [`holding ${held} replicas: no load signal and no forecast`, ...details],
      [],
    );
  }
  const need = Math.max(needFromLoad ?? 0, needFromForecast ?? 0);
  let recommendation = Math.ceil(need - EPSILON);
  const base = current ?? recommendation;
  const tolerance = recommendation > (current ?? 0) ? config.scaleUp.tolerance : config.scaleDown.tolerance;
  if (
    current !== undefined &&
    current > 0 &&
    recommendation !== current &&
    Math.abs(need / current - 1) <= tolerance
  ) {
    details.push(`need ${fmt(need)} is within tolerance ${tolerance} of ${current}`);
    recommendation = current;
  }
  const warmingUp = needFromForecast === undefined && input.forecastMissing === 'warming_up';
  if (warmingUp) details.push('forecaster warming up: scaling on current load alone');
  if (
    current !== undefined &&
    recommendation < current &&
    (needFromLoad === undefined || (needFromForecast === undefined && !warmingUp))
  ) {
    const missing = needFromLoad === undefined ? 'current load' : 'a forecast';
    suppressed.push({
      stage: 'calculate',
      wanted: { replicas: recommendation },
      reason: `scale-in to ${recommendation} needs forecast and current load to agree; ${missing} is missing`,
    });
    recommendation = current;
  }

  // 2. stabilise
  const past = history.map((h) => ({ timeMs: h.timeMs, value: h.memory.recommendation }));
  const stabilised = stabiliseRecommendation(recommendation, base, nowMs, past, {
    upSeconds: config.scaleUp.stabilizationWindowSeconds,
    downSeconds: config.scaleDown.stabilizationWindowSeconds,
  });
  let value = stabilised.value;
  if (stabilised.heldBy) {
    const window = stabilised.heldBy === 'up' ? config.scaleUp : config.scaleDown;
    suppressed.push({
      stage: 'stabilise',
      wanted: { replicas: recommendation },
      reason:
        stabilised.heldBy === 'up'
          ? `scale-up ${base} → ${recommendation} held at ${value}: not every recommendation in the last ${window.stabilizationWindowSeconds} s asked for more`
          : `scale-down ${base} → ${recommendation} held at ${value}: a recommendation in the last ${window.stabilizationWindowSeconds} s still needed ${value}`,
    });
  }

  // 3. rate limit
  if (current !== undefined && value !== current) {
    const direction = value > current ? config.scaleUp : config.scaleDown;
    const word = value > current ? 'scale-up' : 'scale-down';
    if (direction.maxChanges !== undefined) {
      const changes = countChanges(
        history,
        nowMs,
        direction.periodSeconds,
        (a, b) => a.replicas === b.replicas,
      );
      if (changes >= direction.maxChanges) {
        suppressed.push({
          stage: 'rate_limit',
          wanted: { replicas: value },
          reason: `${word} ${current} → ${value} suppressed: ${changes} changes in the last ${direction.periodSeconds} s (limit ${direction.maxChanges})`,
        });
        value = current;
      }
    }
    if (direction.maxStepPercent !== undefined && value !== current) {
      const maxStep = Math.max(1, Math.floor((current * direction.maxStepPercent) / 100));
      if (Math.abs(value - current) > maxStep) {
        const limited = value > current ? current + maxStep : current - maxStep;
        suppressed.push({
          stage: 'rate_limit',
          wanted: { replicas: value },
          reason: `${word} ${current} → ${value} limited to ${limited}: at most ${direction.maxStepPercent} % per step`,
        });
        value = limited;
      }
    }
  }

  // 4. clamp
  const clamped = Math.min(config.maxReplicas, Math.max(config.minReplicas, value));
  if (clamped !== value) {
    suppressed.push({
      stage: 'clamp',
      wanted: { replicas: value },
      reason: `${value} replicas is outside [${config.minReplicas}, ${config.maxReplicas}]`,
    });
  }
  return finish(input, clamped, recommendation, calibration, budget, details, suppressed);
}

/** 5. record: the summary reason first, then what the calculation saw. */
function finish(
  input: ScalingInput,
  replicas: number,
  recommendation: number,
  calibration: BandCalibration | undefined,
  budget: ViolationBudget | undefined,
  details: string[],
  suppressed: Suppression<ReplicasState>[],
): ScalingDecision {
  const current = input.current?.replicas ?? input.history[input.history.length - 1]?.desired.replicas;
  const changed = current !== replicas;
  const summary =
    current === undefined
      ? `set ${replicas} replicas`
      : changed
        ? `scale ${current} → ${replicas} replicas`
        : `keep ${replicas} replicas`;
  const reasons = details[0]?.startsWith('holding') ? details : [summary, ...details];
  return {
    desired: { replicas },
    changed,
    reasons,
    suppressed,
    memory: {
      recommendation,
      ...(calibration ? { calibration } : {}),
      ...(budget
        ? { budget: commitBudget(budget, replicas, input.nowMs, input.config.startupDelaySeconds) }
        : {}),
    },
  };
}

/** How the forecast band was scaled, for the reasons. */
function bandNote(scale: number, online: boolean, budget: ViolationBudget | undefined): string {
  if (budget) {
    const { own, hpa } = budget.violations;
    return ` (band × ${fmt(scale)}, shortfall budget: ${own} own vs ${hpa} for a shadow HPA so far)`;
  }
  return online ? ` (band × ${fmt(scale)}, calibrated online)` : '';
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
