// Formatting for people: numbers with sensible precision, durations, times, control states.

/** 3 significant digits at most, no trailing zeros. @param {number} x */
export function num(x) {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e6) return `${trim((x / 1e6).toFixed(abs >= 1e7 ? 0 : 1))}M`;
  if (abs >= 1e4) return `${trim((x / 1e3).toFixed(abs >= 1e5 ? 0 : 1))}k`;
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return trim(x.toFixed(digits));
}

/** @param {string} s */
function trim(s) {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** @param {number} perSecond */
export function rate(perSecond) {
  return Number.isFinite(perSecond) ? `${num(perSecond)}/s` : '–';
}

/** @param {number} ms */
export function latency(ms) {
  if (!Number.isFinite(ms)) return '–';
  return ms >= 1000 ? `${num(ms / 1000)} s` : `${num(ms)} ms`;
}

/** @param {number} ratio 0..1 */
export function percent(ratio) {
  if (!Number.isFinite(ratio)) return '–';
  const p = ratio * 100;
  return `${p === 0 ? '0' : p < 0.1 ? '<0.1' : num(p)}%`;
}

/** "3h 12m", "45s", "2d 4h". @param {number} ms */
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return m % 60 ? `${hours}h ${m % 60}m` : `${hours}h`;
  const d = Math.floor(hours / 24);
  return hours % 24 ? `${d}d ${hours % 24}h` : `${d}d`;
}

/** "5m ago" relative to the server's now. @param {number} timeMs @param {number} nowMs */
export function ago(timeMs, nowMs) {
  const delta = nowMs - timeMs;
  if (delta < 5_000 && delta > -5_000) return 'just now';
  return delta > 0 ? `${duration(delta)} ago` : `in ${duration(-delta)}`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const shortFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** "14:22" today (server day), "Jan 4 14:22" otherwise. @param {number} timeMs @param {number} nowMs */
export function clock(timeMs, nowMs, seconds = false) {
  const t = new Date(timeMs);
  const text = (seconds ? timeFormat : shortFormat).format(t);
  return new Date(nowMs).toDateString() === t.toDateString() ? text : `${dayFormat.format(t)} ${text}`;
}

/** ISO text for title attributes. @param {number} timeMs */
export function iso(timeMs) {
  return new Date(timeMs).toISOString();
}

/** `provider=stripe endpoint=/v1/charges`, keys in a stable order. @param {Record<string,string>} tags */
export function tags(tags) {
  const order = ['service', 'provider', 'endpoint', 'method', 'region', 'status_class'];
  const keys = Object.keys(tags ?? {}).sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  return keys.map((k) => `${k}=${tags[k]}`).join(' ');
}

/** @param {string[]} order @param {string} key */
function rank(order, key) {
  const i = order.indexOf(key);
  return i < 0 ? order.length : i;
}

/**
 * A control's state in words: "6 replicas", "50/s burst 100", "TTL 120 s, stale on error",
 * "us-east-1 90% · eu-west-1 10%". Unknown shapes become compact JSON.
 * @param {string | undefined} control
 * @param {unknown} state
 */
export function controlState(control, state) {
  if (state === undefined || state === null) return 'unknown';
  /** @type {any} */
  const s = state;
  try {
    switch (control) {
      case 'replicas':
        if (typeof s.replicas === 'number') return `${s.replicas} replica${s.replicas === 1 ? '' : 's'}`;
        break;
      case 'rate_limit':
        if (typeof s.ratePerSecond === 'number') return `${num(s.ratePerSecond)}/s, burst ${num(s.burst)}`;
        break;
      case 'cache_ttl':
        if (typeof s.ttlSeconds === 'number')
          return `TTL ${duration(s.ttlSeconds * 1000)}${s.staleOnError ? ', stale on error' : ''}`;
        break;
      case 'routing':
        if (s.weights && typeof s.weights === 'object') {
          const parts = Object.entries(s.weights).map(([k, v]) => `${k} ${num(Number(v))}%`);
          if (Array.isArray(s.down) && s.down.length) parts.push(`down: ${s.down.join(', ')}`);
          return parts.join(' · ') || 'no routes';
        }
        break;
    }
  } catch {
    // Fall through to JSON.
  }
  return JSON.stringify(state);
}

/** "cache_ttl" → "cache TTL". @param {string | undefined} control */
export function controlName(control) {
  return (
    { replicas: 'replicas', rate_limit: 'rate limit', cache_ttl: 'cache TTL', routing: 'routing' }[
      control ?? ''
    ] ??
    control ??
    'target'
  );
}

/** Decision outcome → badge kind and label. @param {string} outcome */
export function outcome(outcome) {
  const map = {
    applied: ['good', 'applied'],
    dry_run: ['info', 'dry-run'],
    unchanged: ['muted', 'unchanged'],
    held: ['warn', 'held'],
    paused: ['warn', 'paused'],
    overridden: ['accent', 'overridden'],
    failed: ['bad', 'failed'],
    resumed: ['info', 'resumed'],
  };
  const [kind, label] = map[outcome] ?? ['muted', outcome];
  return { kind, label };
}

/** Severity → badge kind. @param {string} severity */
export function severityKind(severity) {
  return severity === 'critical' ? 'bad' : severity === 'warning' ? 'warn' : 'info';
}
