/** `AbortSignal.any` (Node ≥ 20.3; the DOM lib typings in tsconfig lack it). */
const anySignal = (AbortSignal as typeof AbortSignal & { any(signals: AbortSignal[]): AbortSignal }).any;

/** A signal that aborts when `signal` does or after `timeoutMs`. */
export function withTimeout(signal: AbortSignal, timeoutMs: number): AbortSignal {
  return anySignal([signal, AbortSignal.timeout(timeoutMs)]);
}

/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
