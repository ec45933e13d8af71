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
  apply(actuation: Actuation, signal: AbortSignal): Promise<void>;
  start?(signal: AbortSignal): Promise<void>;
  stop?(): Promise<void>;
}
