import type { ActuationMode } from '../core/records/decision.js';
import type { ControlKind } from '../core/actuator.js';
import type { OverrideInfo, PauseInfo, SubjectStatus } from './actuation-state.js';
import type { BreakerState } from './guard-executor.js';
import type { ActuationState } from './actuation-state.js';

/** A target as GET /api/v1/targets shows it (no secrets: errors are redacted by the targets). */
export interface TargetStatus {
  id: string;
  kind: string;
  mode: ActuationMode;
  controls: readonly ControlKind[];
  /** False until the target started (credentials loaded, files created); retried on each decision. */
  started: boolean;
  paused: PauseInfo | null;
  overrides: OverrideInfo[];
  breaker: BreakerState;
  lastError: { message: string; atMs: number; decisionId: string } | null;
  consecutiveFailures: number;
  /** One entry per (control, subject) decided so far: current, desired, last decision. */
  subjects: SubjectStatus[];
}

export function describeTargetStatus(
  guarded: {
    id: string;
    kind: string;
    mode: ActuationMode;
    state: ActuationState;
    target: { controls: readonly ControlKind[] };
  },
  extra: {
    started: boolean;
    breaker: BreakerState;
    lastError: TargetStatus['lastError'];
    consecutiveFailures: number;
    nowMs: number;
  },
): TargetStatus {
  return {
    id: guarded.id,
    kind: guarded.kind,
    mode: guarded.mode,
    controls: guarded.target.controls,
    started: extra.started,
    paused: guarded.state.paused ?? null,
    overrides: guarded.state.activeOverrides(extra.nowMs),
    breaker: extra.breaker,
    lastError: extra.lastError,
    consecutiveFailures: extra.consecutiveFailures,
    subjects: [...guarded.state.subjects.values()].map((s) => structuredClone(s)),
  };
}
