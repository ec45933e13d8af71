/** Time source. Everything that needs "now" takes a Clock so tests can use a fake one. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for deterministic tests. */
export class FakeClock implements Clock {
  private nowMs: number;
  constructor(startMs = Date.UTC(2026, 0, 5, 0, 0, 0)) {
    this.nowMs = startMs;
  }
  now(): number {
    return this.nowMs;
  }
  advance(ms: number): void {
    this.nowMs += ms;
  }
  set(ms: number): void {
    this.nowMs = ms;
  }
}
