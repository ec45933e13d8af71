/**
 * Runs callers one at a time, in arrival order. `acquire` resolves with a release function once
 * every earlier caller has released, or rejects if `signal` aborts first (the caller then never
 * holds the queue, and later callers are not delayed by it).
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  async acquire(signal: AbortSignal): Promise<() => void> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => gate);
    try {
      await untilAborted(previous, signal);
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  /** Resolves when everyone queued so far has released. */
  async idle(): Promise<void> {
    await this.tail;
  }
}

function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new Error('aborted while queued'));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted while queued'));
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.finally(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
