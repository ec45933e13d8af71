/**
 * Policy contract (DESIGN.md "Actuators"). A policy is a pure function: it takes the signals the
 * daemon read (forecasts, anomaly scores, current load or health), the current state of what it
 * controls, its validated config and its own recent decisions, and returns a decision. It reads
 * no clock (`nowMs` is an input), does no I/O and keeps no globals, so the same input always
 * gives the same decision and a decision can be replayed from the audit trail.
 *
 * Every policy runs the same stages, after the Kubernetes HPA (replica_calculator.go and
 * stabilizeRecommendationWithBehaviors): calculate → stabilise → limit the rate of change →
 * clamp → record. A stage that holds back what the previous one wanted records a suppression
 * naming the stage, the value it wanted and why it was held back.
 */

/** The stages of a policy, in the order they run. */
export const POLICY_STAGES = ['calculate', 'stabilise', 'rate_limit', 'clamp'] as const;
export type PolicyStage = (typeof POLICY_STAGES)[number];

/** A change a stage held back: what the earlier stage wanted and why it did not happen. */
export interface Suppression<T> {
  readonly stage: PolicyStage;
  readonly wanted: T;
  readonly reason: string;
}

/**
 * What a policy decided. `memory` is the policy's own state that must survive to the next
 * decision (a raw recommendation for stabilisation windows, circuit states, an AIMD limit); the
 * daemon stores it with the decision and hands it back in `history`.
 */
export interface Decision<T, M = undefined> {
  /** The state the policy wants the target to have. */
  readonly desired: T;
  /** True when `desired` differs from the current state. */
  readonly changed: boolean;
  /** Readable reasons, most important first: the first one summarises the decision. */
  readonly reasons: readonly string[];
  /** Changes that a stage held back, in stage order. */
  readonly suppressed: readonly Suppression<T>[];
  readonly memory: M;
}

/** One earlier decision of the same policy for the same subject, as the daemon stored it. */
export interface PastDecision<T, M = undefined> {
  readonly timeMs: number;
  readonly desired: T;
  readonly memory: M;
}

/**
 * What every policy receives besides its own signals. `history` holds this policy's earlier
 * decisions for the same subject, oldest first, all strictly before `nowMs`; a policy looks only
 * as far back as its longest window, so the daemon may trim older entries.
 */
export interface PolicyContext<T, C, M = undefined> {
  readonly nowMs: number;
  /** The state read back from the target; undefined when the target cannot tell. */
  readonly current: T | undefined;
  readonly config: C;
  readonly history: readonly PastDecision<T, M>[];
}
