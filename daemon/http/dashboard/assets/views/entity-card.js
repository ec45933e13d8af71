// One provider or service: headline figures, then request rate with the forecast band, p95
// latency and error ratio, with anomalies and decisions marked on them.
import { align, TimeChart } from '../charts.js';
import { badge, h, replace } from '../dom.js';
import * as fmt from '../format.js';
import { chartOfSignal, forecastLines, lastValue, settled } from '../model.js';

/** @typedef {import('../model.js').Entity} Entity */
/** @typedef {{ fromMs: number, toMs: number, nowMs: number, stepMs: number }} Frame */

/** @param {string} name */
function color(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

const CHARTS = /** @type {const} */ (['rate', 'latency', 'errors']);

export class EntityCard {
  /** @param {string} key @param {import('../model.js').View} view */
  constructor(key, view) {
    this.key = key;
    this.view = view;
    this.title = h('h3', { class: 'entity-name' }, key);
    this.kind = h('span', { class: 'entity-kind' });
    this.badges = h('span', { class: 'entity-badges' });
    this.figures = h('div', { class: 'entity-figures' });
    this.footer = h('div', { class: 'entity-footer' });
    this.breakdown = h('div', { class: 'entity-breakdown' });
    /** @type {Record<string, { box: HTMLElement, title: HTMLElement, chart: TimeChart | null, empty: HTMLElement }>} */
    this.slots = {};
    const charts = h('div', { class: 'entity-charts' });
    for (const name of CHARTS) {
      const box = h('div', { class: 'chart', data: { chart: name, entity: key } });
      const title = h('div', { class: 'chart-title' });
      const emptyNote = h('div', { class: 'chart-empty', hidden: true }, 'no data in this range');
      charts.append(h('div', { class: 'chart-cell' }, title, box, emptyNote));
      this.slots[name] = { box, title, chart: null, empty: emptyNote };
    }
    this.el = h(
      'article',
      { class: 'entity card', data: { entity: key, view } },
      h(
        'header',
        { class: 'entity-head' },
        h('div', { class: 'entity-id' }, this.title, this.kind, this.badges),
        this.figures,
      ),
      charts,
      this.footer,
      this.breakdown,
    );
  }

  /** @param {Entity} e @param {Frame} frame */
  update(e, frame) {
    const outbound = e.measurement === 'api_calls';
    this.kind.textContent =
      this.view === 'provider' ? 'provider' : outbound ? 'service · outbound calls' : 'service · inbound';
    this.el.classList.toggle(
      'has-incident',
      e.incidents.some((i) => i.status === 'open'),
    );
    replace(this.badges, ...this.badgesOf(e, frame));
    const rateNow = lastValue(e.rate, frame.stepMs, frame.nowMs);
    replace(
      this.figures,
      figure('rate', fmt.rate(rateNow)),
      figure('p95', fmt.latency(lastValue(e.latency))),
      figure('errors', fmt.percent(lastValue(e.errors))),
      e.forecast && figure('p50 in 1h', fmt.rate(forecastAt(e.forecast, frame.nowMs + 3_600_000))),
    );
    const markers = this.markers(e, frame);
    this.chart('rate', e, frame, markers.rate);
    this.chart('latency', e, frame, markers.latency);
    this.chart('errors', e, frame, markers.errors);
    replace(this.footer, ...this.footerOf(e, frame));
  }

  /** @param {Entity} e @param {Frame} frame */
  badgesOf(e, frame) {
    const out = [];
    const open = e.incidents.filter((i) => i.status === 'open');
    if (open.length > 0) {
      const worst =
        open.find((i) => i.severity === 'critical') ?? open.find((i) => i.severity === 'warning') ?? open[0];
      out.push(badge(`${worst.severity} incident`, fmt.severityKind(worst.severity)));
    }
    if (e.anomalousNow.length > 0) out.push(badge(`anomalous now (${e.anomalousNow.length})`, 'bad'));
    if (e.watched > 0 && e.warmingUp > 0) {
      out.push(
        badge(e.warmingUp === e.watched ? 'learning' : `learning ${e.warmingUp}/${e.watched}`, 'muted'),
      );
    }
    if (e.watched === 0 && frame) out.push(badge('not scored yet', 'muted'));
    return out;
  }

  /** Markers per chart: anomalies on the chart of their signal, decisions on the rate chart. */
  markers(/** @type {Entity} */ e, /** @type {Frame} */ frame) {
    /** @type {Record<string, import('../charts.js').Marker[]>} */
    const out = { rate: [], latency: [], errors: [] };
    const bad = color('--bad');
    for (const a of e.anomalies) {
      const chart = chartOfSignal(a.signal);
      if (!chart) continue;
      const where = a.tags?.endpoint ? `${a.tags.endpoint}: ` : '';
      out[chart].push({
        t: a.timeMs,
        kind: 'anomaly',
        score: a.score,
        color: bad,
        label: `▲ ${where}${a.explanation} (score ${fmt.num(a.score)})`,
      });
    }
    for (const d of e.decisions) {
      if (d.timeMs < frame.fromMs) continue;
      const { kind, label } = fmt.outcome(d.outcome);
      out.rate.push({
        t: d.timeMs,
        kind: 'decision',
        color: color(`--${kind}`),
        label: `◆ ${label}: ${d.target} ${fmt.controlName(d.control)} → ${fmt.controlState(d.control, d.desired)}`,
      });
    }
    return out;
  }

  /** @param {'rate' | 'latency' | 'errors'} name @param {Entity} e @param {Frame} frame @param {any[]} markers */
  chart(name, e, frame, markers) {
    const slot = this.slots[name];
    const observed = e[name];
    const outbound = e.measurement === 'api_calls';
    const titles = {
      rate: outbound ? 'Calls/s' : 'Requests/s',
      latency: 'p95 latency',
      errors: 'Error ratio',
    };
    const anomalies = markers.filter((m) => m.kind === 'anomaly').length;
    replace(
      slot.title,
      h('span', null, titles[name]),
      name === 'rate' &&
        e.forecast &&
        h(
          'span',
          { class: 'legend' },
          h('i', { class: 'key key-observed' }),
          'observed',
          h('i', { class: 'key key-band' }),
          'forecast p10–p90',
        ),
      anomalies > 0 &&
        h('span', { class: 'legend legend-bad' }, `▲ ${anomalies} anomal${anomalies === 1 ? 'y' : 'ies'}`),
    );
    const hasData = observed.some((p) => Number.isFinite(p.value)) || (name === 'rate' && e.forecast);
    slot.empty.hidden = Boolean(hasData);
    slot.box.hidden = !hasData;
    if (!hasData) {
      slot.box.dataset.points = '0';
      return;
    }
    if (!slot.chart) slot.chart = new TimeChart(slot.box, chartSpec(name));
    if (name === 'rate') {
      const f = forecastLines(e.forecast, frame.toMs);
      // Rates of steps still filling up would draw a cliff at the right edge on every refresh.
      const complete = observed.filter((p) => settled(p, frame.stepMs, frame.nowMs));
      const { xs, ys } = align([complete, f.p50, f.p90, f.p10]);
      slot.chart.update({ xs, ys, ...frame, markers });
    } else {
      const { xs, ys } = align([observed]);
      slot.chart.update({ xs, ys, ...frame, markers });
    }
  }

  /** The newest anomaly in words, and the forecast's provenance. @param {Entity} e @param {Frame} frame */
  footerOf(e, frame) {
    const out = [];
    const latest = e.anomalies[0];
    if (latest) {
      const more = e.anomalies.length > 1 ? ` · ${e.anomalies.length} in range` : '';
      out.push(
        h(
          'div',
          { class: 'foot-anomaly' },
          h('span', { class: 'foot-mark' }, '▲'),
          h(
            'span',
            { class: 'foot-time', title: fmt.iso(latest.timeMs) },
            fmt.clock(latest.timeMs, frame.nowMs),
          ),
          ' ',
          latest.tags?.endpoint ? h('code', null, latest.tags.endpoint) : null,
          latest.tags?.endpoint ? ' ' : null,
          `${latest.explanation} (score ${fmt.num(latest.score)})${more}`,
        ),
      );
    }
    if (e.forecast) {
      const model = `${e.forecast.model?.id ?? 'model'}${e.forecast.model?.version ? ` v${e.forecast.model.version}` : ''}`;
      const wape = e.forecast.backtest?.wape;
      out.push(
        h(
          'div',
          { class: 'foot-forecast', title: e.forecast.note ?? '' },
          `forecast ${model}, issued ${fmt.ago(e.forecast.issuedMs, frame.nowMs)}`,
          typeof wape === 'number' ? ` · backtest WAPE ${fmt.percent(wape)}` : '',
          e.forecast.note ? h('span', { class: 'foot-note' }, ` · ${e.forecast.note}`) : null,
        ),
      );
    } else if (e.view === 'provider' || e.measurement === 'inbound') {
      out.push(
        h(
          'div',
          { class: 'foot-forecast' },
          'no forecast yet (issued every few minutes once there is history)',
        ),
      );
    }
    return out;
  }

  /** @param {Node[]} nodes */
  setBreakdown(nodes) {
    replace(this.breakdown, ...nodes);
  }

  destroy() {
    for (const slot of Object.values(this.slots)) slot.chart?.destroy();
    this.el.remove();
  }
}

/** @param {string} label @param {string} value */
function figure(label, value) {
  return h(
    'div',
    { class: 'figure' },
    h('span', { class: 'figure-value' }, value),
    h('span', { class: 'figure-label' }, label),
  );
}

/** p50 of the forecast step holding `timeMs` (NaN past its horizon). @param {any} forecast @param {number} timeMs */
function forecastAt(forecast, timeMs) {
  const points = forecast.points ?? [];
  const p = points.findLast((/** @type {any} */ q) => q.t <= timeMs);
  return p && timeMs - p.t <= (forecast.stepMs ?? 60_000) ? p.p50 : Number.NaN;
}

/** @param {'rate' | 'latency' | 'errors'} name */
function chartSpec(name) {
  if (name === 'rate') {
    const forecast = color('--forecast');
    return {
      series: [
        { label: 'observed', color: color('--accent'), width: 1.75, fill: color('--accent-fill') },
        { label: 'forecast p50', color: forecast, dash: [5, 4], width: 1.25 },
        { label: 'p90', color: color('--forecast-edge'), width: 0.75 },
        { label: 'p10', color: color('--forecast-edge'), width: 0.75 },
      ],
      band: /** @type {[number, number, string]} */ ([2, 3, color('--forecast-band')]),
      format: fmt.rate,
    };
  }
  if (name === 'latency')
    return { series: [{ label: 'p95', color: color('--latency'), width: 1.75 }], format: fmt.latency };
  return {
    series: [{ label: 'errors', color: color('--errors'), width: 1.75, fill: color('--errors-fill') }],
    format: fmt.percent,
  };
}
