import type { Tags } from './tags.js';

/**
 * What a policy controls. Each control has its own state shape:
 * - `replicas`: { replicas }
 * - `rate_limit`: { ratePerSecond, burst }
 * - `cache_ttl`: { ttlSeconds, staleOnError }
 * - `routing`: { weights: endpoint → weight (0..100), down: endpoints ejected, backup: endpoints
 *   used only when every primary is down }
 */
export type ControlKind = 'replicas' | 'rate_limit' | 'cache_ttl' | 'routing';

export interface ReplicasState {
  replicas: number;
}
export interface RateLimitState {
  ratePerSecond: number;
  burst: number;
}
export interface CacheTtlState {
  ttlSeconds: number;
  staleOnError: boolean;
}
export interface RoutingState {
  weights: Record<string, number>;
  down: string[];
  backup: string[];
}

export interface ControlStates {
  replicas: ReplicasState;
  rate_limit: RateLimitState;
  cache_ttl: CacheTtlState;
  routing: RoutingState;
}

/** One desired state for one subject (a service, a provider, a provider endpoint). */
export interface Actuation<C extends ControlKind = ControlKind> {
  readonly control: C;
  readonly subject: Tags;
  readonly desired: ControlStates[C];
}

/**
 * Why an actuation happens, passed to targets that forward decisions (webhook) so a receiver can
 * correlate with Headroom's audit record. Targets that only apply state ignore it.
 */
export interface ActuationContext {
  /** Id of the audit record (kind `decision`) this apply belongs to. */
  readonly decisionId: string;
  readonly policy: string;
  readonly reasons: readonly string[];
}

/**
 * An actuation target (nginx, Kubernetes, Redis, webhook). It does one job: apply a desired
 * state idempotently and read the current one. Failures are HeadroomErrors with `retryable`
 * set; retries, timeouts, circuit breaking, dry-run and audit live in actuators/guarded.ts.
 * Secrets (tokens, keys) never appear in error messages.
 */
export interface Target {
  readonly id: string;
  readonly kind: string;
  readonly controls: readonly ControlKind[];
  /** Current state for the subject, or undefined when the target cannot tell. */
  read<C extends ControlKind>(
    control: C,
    subject: Tags,
    signal: AbortSignal,
  ): Promise<ControlStates[C] | undefined>;
  apply(actuation: Actuation, signal: AbortSignal, context?: ActuationContext): Promise<void>;
  /**
   * The state as this target can represent it (nginx rates in whole requests per minute, integer
   * weights...), so that `read` after `apply` returns exactly it and comparisons converge. Throws
   * a non-retryable HeadroomError when the state cannot be represented (unknown endpoint).
   */
  normalize?<C extends ControlKind>(control: C, subject: Tags, state: ControlStates[C]): ControlStates[C];
  start?(signal: AbortSignal): Promise<void>;
  stop?(): Promise<void>;
}
