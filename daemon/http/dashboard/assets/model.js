// Pure transforms from API answers to what the views show: one entry per provider or service
// with its three signals, forecast, anomalies, decisions and incidents. No DOM here.

/** @typedef {'provider' | 'service'} View */
/** @typedef {{ t: number, value: number }} Point */
/**
 * @typedef {{
 *   key: string, view: View, measurement: string,
 *   rate: Point[], latency: Point[], errors: Point[],
 *   forecast: any | undefined, anomalies: any[], decisions: any[], incidents: any[],
 *   watched: number, warmingUp: number, anomalousNow: any[],
 * }} Entity
 */

/** Signal queried for each chart. */
export const CHART_SIGNALS = { rate: 'request_rate', latency: 'latency_p95_ms', errors: 'error_ratio' };

/** Which chart an anomaly of `signal` is drawn on. @param {string} signal */
export function chartOfSignal(signal) {
  if (signal === 'request_rate' || signal === 'count') return 'rate';
  if (signal === 'error_ratio') return 'errors';
  return signal.startsWith('latency_') ? 'latency' : undefined;
}

/** The value a missing tag shows as (rollups of hosts that matched no provider pattern). */
export const NO_VALUE = '(none)';

/** @param {Record<string, string> | undefined} tags @param {string} key */
function tagOf(tags, key) {
  return tags?.[key] ?? NO_VALUE;
}

/**
 * Signal series by entity. `bySignal` maps chart → API series list (grouped by the view's tag).
 * @param {Record<string, { tags: Record<string,string>, points: Point[] }[]>} bySignal
 * @param {View} view
 */
function seriesByEntity(bySignal, view) {
  /** @type {Map<string, { rate: Point[], latency: Point[], errors: Point[] }>} */
  const out = new Map();
  for (const chart of /** @type {const} */ (['rate', 'latency', 'errors'])) {
    for (const s of bySignal[chart] ?? []) {
      const key = tagOf(s.tags, view);
      let entry = out.get(key);
      if (!entry) out.set(key, (entry = { rate: [], latency: [], errors: [] }));
      entry[chart] = s.points;
    }
  }
  return out;
}

/**
 * Builds the entities of a view from one refresh's answers.
 * @param {{
 *   view: View,
 *   signals: Record<string, Record<string, any[]>>,
 *   forecasts: any[], anomalies: any[], anomalySeries: any[], decisions: any[], incidents: any[],
 * }} input `signals` is keyed by measurement (`api_calls`, `inbound`), then by chart.
 * @returns {Entity[]}
 */
export function buildEntities(input) {
  const { view } = input;
  /** @type {Map<string, { measurement: string, rate: Point[], latency: Point[], errors: Point[] }>} */
  const chosen = new Map();
  // A service's own inbound load when Headroom sees it (what scaling acts on); otherwise its
  // outbound calls. Providers only have outbound calls.
  const order = view === 'service' ? ['inbound', 'api_calls'] : ['api_calls'];
  for (const measurement of order) {
    for (const [key, series] of seriesByEntity(input.signals[measurement] ?? {}, view)) {
      if (!chosen.has(key) && hasPoints(series)) chosen.set(key, { measurement, ...series });
    }
  }
  const entities = [...chosen].map(([key, s]) => {
    const matches = (/** @type {Record<string,string> | undefined} */ tags) => tagOf(tags, view) === key;
    const watched = input.anomalySeries.filter((a) => matches(a.tags) && a.measurement === s.measurement);
    return {
      key,
      view,
      measurement: s.measurement,
      rate: s.rate,
      latency: s.latency,
      errors: s.errors,
      forecast: input.forecasts.find((f) => matches(f.tags) && f.measurement === s.measurement),
      anomalies: input.anomalies.filter(
        (a) => matches(a.tags) && (a.measurement ?? 'api_calls') === s.measurement,
      ),
      decisions: input.decisions.filter((d) => matches(d.subject)),
      incidents: input.incidents.filter((i) => incidentConcerns(i, view, key)),
      watched: watched.length,
      warmingUp: watched.filter((a) => a.warmingUp).length,
      anomalousNow: watched.filter((a) => a.anomalous),
    };
  });
  return entities.sort(byUrgency);
}

/** @param {{ rate: Point[], latency: Point[], errors: Point[] }} s */
function hasPoints(s) {
  return s.rate.some((p) => p.value > 0) || s.latency.length > 0;
}

/** @param {any} incident @param {View} view @param {string} key */
export function incidentConcerns(incident, view, key) {
  if (incident.tags?.[view] === key) return true;
  const list = view === 'provider' ? incident.facts?.providers : incident.facts?.services;
  return Array.isArray(list) && list.includes(key);
}

const SEVERITY_RANK = { critical: 3, warning: 2, info: 1 };

/** Problems first: open incident severity, anomalous now, anomalies in range, then traffic. */
function byUrgency(/** @type {Entity} */ a, /** @type {Entity} */ b) {
  const sev = (/** @type {Entity} */ e) =>
    Math.max(0, ...e.incidents.filter((i) => i.status === 'open').map((i) => SEVERITY_RANK[i.severity] ?? 0));
  return (
    sev(b) - sev(a) ||
    b.anomalousNow.length - a.anomalousNow.length ||
    b.anomalies.length - a.anomalies.length ||
    lastValue(b.rate) - lastValue(a.rate) ||
    a.key.localeCompare(b.key)
  );
}

/**
 * How long after a step ends its rollups are all in the store: the collectors write a 10 s
 * interval once its 5 s grace period has passed, on their next flush.
 */
export const SETTLE_MS = 20_000;

/**
 * Whether a step is complete: the step holding "now", and the one whose rollups are still being
 * written, read low (a rate there is a fraction of the real one).
 * @param {Point} p @param {number} stepMs @param {number} nowMs
 */
export function settled(p, stepMs, nowMs) {
  return p.t + stepMs <= nowMs - SETTLE_MS;
}

/**
 * The latest value; with `stepMs` and `nowMs`, the latest of a complete step.
 * @param {Point[]} points @param {number} [stepMs] @param {number} [nowMs]
 */
export function lastValue(points, stepMs, nowMs) {
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i];
    if (stepMs !== undefined && nowMs !== undefined && !settled(p, stepMs, nowMs)) continue;
    if (Number.isFinite(p.value)) return p.value;
  }
  return Number.NaN;
}

/**
 * Forecast points as three lists (p10, p50, p90), cut at `untilMs`.
 * @param {any} forecast @param {number} untilMs
 */
export function forecastLines(forecast, untilMs) {
  const points = (forecast?.points ?? []).filter((/** @type {any} */ p) => p.t <= untilMs);
  return {
    p10: points.map((/** @type {any} */ p) => ({ t: p.t, value: p.p10 })),
    p50: points.map((/** @type {any} */ p) => ({ t: p.t, value: p.p50 })),
    p90: points.map((/** @type {any} */ p) => ({ t: p.t, value: p.p90 })),
  };
}

/** Range presets: span and the step that gives ~100–200 points. */
export const RANGES = {
  '15m': { spanMs: 15 * 60_000, step: '10s', stepMs: 10_000 },
  '1h': { spanMs: 3_600_000, step: '30s', stepMs: 30_000 },
  '6h': { spanMs: 6 * 3_600_000, step: '2m', stepMs: 120_000 },
  '24h': { spanMs: 24 * 3_600_000, step: '10m', stepMs: 600_000 },
  '7d': { spanMs: 7 * 86_400_000, step: '1h', stepMs: 3_600_000 },
};

/**
 * How far ahead of now the charts reach: a quarter of the range, at least 5 minutes, at most the
 * forecast horizon (so a 15-minute view is not dwarfed by a 2.5-hour forecast).
 * @param {number} spanMs @param {number} horizonMs
 */
export function aheadMs(spanMs, horizonMs) {
  return Math.max(0, Math.min(Math.max(spanMs / 4, 5 * 60_000), horizonMs));
}
