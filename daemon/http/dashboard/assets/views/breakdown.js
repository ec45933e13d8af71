// For one selected provider or service: where the traffic goes, one row per endpoint (and
// service / provider / region), with its latest figures, its worst p95 in the range and its
// anomalies, so the endpoint behind a bad aggregate is one glance away.
import { h } from '../dom.js';
import * as fmt from '../format.js';
import { lastValue } from '../model.js';

/**
 * @typedef {{ measurement: string, groupBy: string[], filter: Record<string, string>, label: string }} BreakdownQuery
 * @typedef {{ query: BreakdownQuery, rate: any[], latency: any[], errors: any[] }} BreakdownPart
 */

/**
 * What to break an entity down by.
 * @param {'provider' | 'service'} view @param {string} key
 * @returns {BreakdownQuery[]}
 */
export function breakdownQueries(view, key) {
  if (view === 'provider') {
    return [
      {
        measurement: 'api_calls',
        groupBy: ['service', 'endpoint', 'region'],
        filter: { provider: key },
        label: 'Calls',
      },
    ];
  }
  return [
    { measurement: 'inbound', groupBy: ['endpoint'], filter: { service: key }, label: 'Inbound' },
    {
      measurement: 'api_calls',
      groupBy: ['provider', 'endpoint', 'region'],
      filter: { service: key },
      label: 'Calls to providers',
    },
  ];
}

/**
 * @param {BreakdownPart[]} parts
 * @param {any[]} anomalies anomalies in range (any series)
 * @param {{ stepMs: number, nowMs: number }} frame
 */
export function breakdownView(parts, anomalies, frame) {
  const blocks = [];
  for (const part of parts) {
    const rows = rowsOf(part, anomalies, frame);
    if (rows.length === 0) continue;
    // Columns no row has a value for (no region tag anywhere) are left out.
    const dims = part.query.groupBy.filter((d) => rows.some((r) => r.tags[d] !== undefined));
    blocks.push(
      h(
        'table',
        { class: 'breakdown', data: { breakdown: part.query.measurement } },
        h('caption', null, part.query.label),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            dims.map((d) => h('th', null, d)),
            ['rate', 'p95', 'errors', 'p95 peak', 'anomalies'].map((c) => h('th', { class: 'num' }, c)),
          ),
        ),
        h(
          'tbody',
          null,
          rows.map((r) =>
            h(
              'tr',
              { class: r.anomalies > 0 ? 'has-anomaly' : '' },
              dims.map((d) => h('td', { class: d === 'endpoint' ? 'mono' : '' }, r.tags[d] ?? '–')),
              h('td', { class: 'num' }, fmt.rate(r.rate)),
              h('td', { class: 'num' }, fmt.latency(r.p95)),
              h('td', { class: 'num' }, fmt.percent(r.errors)),
              h('td', { class: 'num' }, fmt.latency(r.p95Peak)),
              h('td', { class: 'num' }, r.anomalies > 0 ? `▲ ${r.anomalies}` : '–'),
            ),
          ),
        ),
      ),
    );
  }
  return blocks;
}

/** @param {BreakdownPart} part @param {any[]} anomalies @param {{ stepMs: number, nowMs: number }} frame */
function rowsOf(part, anomalies, frame) {
  const key = (/** @type {Record<string,string>} */ tags) =>
    JSON.stringify(part.query.groupBy.map((d) => tags?.[d] ?? ''));
  /** @type {Map<string, { tags: Record<string,string>, rate: number, p95: number, errors: number, p95Peak: number, anomalies: number }>} */
  const rows = new Map();
  const row = (/** @type {Record<string,string>} */ tags) => {
    const k = key(tags);
    let r = rows.get(k);
    if (!r)
      rows.set(
        k,
        (r = {
          tags,
          rate: Number.NaN,
          p95: Number.NaN,
          errors: Number.NaN,
          p95Peak: Number.NaN,
          anomalies: 0,
        }),
      );
    return r;
  };
  for (const s of part.rate) row(s.tags).rate = lastValue(s.points, frame.stepMs, frame.nowMs);
  for (const s of part.latency) {
    const r = row(s.tags);
    r.p95 = lastValue(s.points);
    r.p95Peak = Math.max(...s.points.map((/** @type {any} */ p) => p.value));
  }
  for (const s of part.errors) row(s.tags).errors = lastValue(s.points);
  const filter = part.query.filter;
  for (const r of rows.values()) {
    const want = { ...filter, ...r.tags };
    // An anomaly belongs to a row when every tag of its series matches the row (its series is
    // the row or coarser than it, e.g. provider+endpoint for a service+endpoint+region row).
    r.anomalies = anomalies.filter(
      (a) =>
        (a.measurement ?? 'api_calls') === part.query.measurement &&
        Object.entries(a.tags ?? {}).every(([k, v]) => k === 'signal' || want[k] === v),
    ).length;
  }
  return [...rows.values()].sort((a, b) => b.anomalies - a.anomalies || (b.rate || 0) - (a.rate || 0));
}
