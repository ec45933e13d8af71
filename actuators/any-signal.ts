/**
 * A signal that aborts when any of `signals` does (Node's AbortSignal.any, which TypeScript's DOM
 * lib in this setup does not declare).
 */
export function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  return (AbortSignal as unknown as { any(signals: readonly AbortSignal[]): AbortSignal }).any(signals);
}
