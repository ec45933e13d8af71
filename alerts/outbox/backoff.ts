import type { OutboxConfig } from '../config.js';

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoffMs(
  attempt: number,
  config: Pick<OutboxConfig, 'initialBackoffMs' | 'maxBackoffMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(config.maxBackoffMs, config.initialBackoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
