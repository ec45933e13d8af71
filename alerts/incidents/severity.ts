import type { IncidentBody } from '../../core/records/incident.js';
import type { AlertsSeverityConfig } from '../config.js';

export type Severity = IncidentBody['severity'];
const LEVELS: readonly Severity[] = ['info', 'warning', 'critical'];

/**
 * Severity from score and breadth: the strongest score sets the base (info, warning, critical);
 * many endpoints or services affected raise it one level, since a wide problem hurts more
 * users than a deep one on a single endpoint.
 */
export function severityOf(
  maxScore: number,
  breadth: { endpointCount: number; serviceCount: number },
  config: AlertsSeverityConfig,
): Severity {
  let level = maxScore >= config.criticalScore ? 2 : maxScore >= config.warningScore ? 1 : 0;
  if (breadth.endpointCount >= config.breadthEndpoints || breadth.serviceCount >= config.breadthServices) {
    level = Math.min(2, level + 1);
  }
  return LEVELS[level]!;
}

export function severityRank(severity: Severity): number {
  return LEVELS.indexOf(severity);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}
