/** Health of one component, reported by /readyz and GET /api/v1/status. */
export interface ComponentHealth {
  /** 'degraded': working with reduced guarantees (e.g. store down, writes spooling). */
  readonly state: 'ok' | 'degraded' | 'down' | 'stopped';
  readonly detail: string;
}

/**
 * A long-running part of the daemon. The app starts components in order and stops them in
 * reverse. `start` may reject (start-up fails with that message); `stop` is idempotent, safe
 * before `start`, and must flush anything acknowledged to durable storage before resolving.
 */
export interface Component {
  readonly name: string;
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  health?(): ComponentHealth;
}
