import type { SignalName } from './signals.js';

const LABELS: Record<SignalName, { label: string; unit: string }> = {
  count: { label: 'requests', unit: '' },
  request_rate: { label: 'request rate', unit: '/s' },
  error_ratio: { label: 'error ratio', unit: '%' },
  latency_mean_ms: { label: 'mean latency', unit: ' ms' },
  latency_max_ms: { label: 'max latency', unit: ' ms' },
  latency_p50_ms: { label: 'p50 latency', unit: ' ms' },
  latency_p95_ms: { label: 'p95 latency', unit: ' ms' },
  latency_p99_ms: { label: 'p99 latency', unit: ' ms' },
};

/** "p95 latency" for `latency_p95_ms`; unknown names are returned as they are. */
export function signalLabel(signal: string): string {
  return LABELS[signal as SignalName]?.label ?? signal;
}

/** A value of `signal` for people: "760 ms", "4.2%", "12.5/s" (3 significant digits). */
export function formatSignalValue(signal: string, value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const entry = LABELS[signal as SignalName];
  const shown = entry?.unit === '%' ? value * 100 : value;
  return `${roundForPeople(shown)}${entry?.unit ?? ''}`;
}

function roundForPeople(x: number): string {
  if (x === 0) return '0';
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : Math.abs(x) >= 1 ? 2 : 3;
  return String(Number(x.toFixed(digits)));
}
