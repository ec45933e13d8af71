import { finite, fmt, latencyRatio, type HealthSignals } from '../health.js';
import type { RoutingPolicyConfig } from './config.js';

/** Health of one endpoint as the routing policy reads it. */
export interface EndpointSignals extends HealthSignals {
  /** A failure the collectors or probes call hard (connection refused, probe failed, all 5xx). */
  readonly hardFailure?: boolean;
}

export interface EndpointHealth {
  /** Fails hard: eject at once. */
  readonly hard: boolean;
  /** No degraded symptom at all. */
  readonly healthy: boolean;
  /** 0..1: the share of its base weight the endpoint deserves. */
  readonly score: number;
  /** Readable symptoms, empty when healthy. */
  readonly symptoms: readonly string[];
  /**
   * Whether any signal was given at all. Healthy without evidence means "nothing known": enough
   * to keep weight, not enough to count as a passed probe.
   */
  readonly evidence: boolean;
}

/**
 * Scores an endpoint: each symptom past its `degradedWhen` threshold costs weight in proportion
 * to how far it is towards the ejection threshold (error ratio, latency against its normal) or
 * to half the anomaly score; the worst symptom wins. Missing signals are no evidence.
 */
export function endpointHealth(
  signals: EndpointSignals | undefined,
  config: RoutingPolicyConfig,
): EndpointHealth {
  const d = config.degradedWhen;
  const e = config.ejectWhen;
  const symptoms: string[] = [];
  let penalty = 0;
  let hard = signals?.hardFailure === true;
  if (hard) symptoms.push('hard failure');
  const errors = finite(signals?.errorRatio);
  if (errors !== undefined && errors >= d.errorRatio) {
    symptoms.push(`error ratio ${fmt(errors, 3)}`);
    penalty = Math.max(penalty, Math.min(1, errors / e.errorRatio));
    if (errors >= e.errorRatio) hard = true;
  }
  const ratio = signals ? latencyRatio(signals) : undefined;
  if (ratio !== undefined && ratio >= d.latencyRatio) {
    symptoms.push(`latency ${fmt(ratio)}× normal`);
    penalty = Math.max(penalty, Math.min(1, (ratio - 1) / (e.latencyRatio - 1)));
    if (ratio >= e.latencyRatio) hard = true;
  }
  const anomaly = finite(signals?.anomalyScore);
  if (anomaly !== undefined && anomaly >= d.anomalyScore) {
    symptoms.push(`anomaly score ${fmt(anomaly)}`);
    // An anomaly alone says "unusual", not "failing": it takes at most half the weight.
    penalty = Math.max(penalty, anomaly / 2);
  }
  const evidence =
    signals?.hardFailure !== undefined ||
    errors !== undefined ||
    finite(signals?.latencyMs) !== undefined ||
    anomaly !== undefined;
  return { hard, healthy: symptoms.length === 0, score: hard ? 0 : 1 - penalty, symptoms, evidence };
}
