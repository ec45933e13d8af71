// Time charts on uPlot: observed line(s), an optional forecast band, "now", a shaded future,
// anomaly markers (vertical lines) and decision markers (diamonds), a tooltip that reads both.
import uPlot from './vendor/uPlot.esm.js';
import { h } from './dom.js';

const HEIGHT_PX = 150;
/** Every chart shares one crosshair: hovering a time shows it on every chart of the page. */
const SYNC_KEY = 'headroom';

/** @param {string} name */
function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * @typedef {{ t: number, color?: string, label: string, kind: 'anomaly' | 'decision', score?: number }} Marker
 * @typedef {{ label: string, color: string, width?: number, dash?: number[], fill?: string, hidden?: boolean }} SeriesSpec
 * @typedef {{ xs: number[], ys: (number | null)[][], fromMs: number, toMs: number, nowMs: number, markers: Marker[] }} ChartData
 */

/**
 * One chart. `series` are the y series in order; `band` fills between two of them (indices into
 * `series`, upper first); `format` turns a y value into text for axis and tooltip.
 */
export class TimeChart {
  /**
   * @param {HTMLElement} container
   * @param {{ series: SeriesSpec[], band?: [number, number, string], format: (v: number) => string, yMinZero?: boolean }} spec
   */
  constructor(container, spec) {
    this.container = container;
    this.spec = spec;
    /** @type {ChartData | null} */
    this.data = null;
    this.tooltip = h('div', { class: 'chart-tooltip', hidden: true });
    this.plot = this.create();
    this.plot.over.appendChild(this.tooltip);
    // The crosshair is shared by every chart; the tooltip shows only on the one under the mouse.
    this.hovered = false;
    this.plot.over.addEventListener('mouseenter', () => (this.hovered = true));
    this.plot.over.addEventListener('mouseleave', () => {
      this.hovered = false;
      this.tooltip.hidden = true;
    });
    this.resize = new ResizeObserver(() => {
      const width = this.container.clientWidth;
      if (width > 0 && Math.abs(width - this.plot.width) > 1) this.plot.setSize({ width, height: HEIGHT_PX });
    });
    this.resize.observe(container);
  }

  create() {
    const { series, band, format, yMinZero = true } = this.spec;
    const grid = cssVar('--chart-grid');
    const axisText = cssVar('--chart-axis');
    const font = `11px ${cssVar('--font-ui')}`;
    const axis = {
      stroke: axisText,
      font,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1, size: 4 },
    };
    /** @type {uPlot.Options} */
    const options = {
      width: Math.max(200, this.container.clientWidth),
      height: HEIGHT_PX,
      legend: { show: false },
      cursor: {
        sync: { key: SYNC_KEY },
        points: { size: 6 },
        drag: { x: false, y: false, setScale: false },
      },
      padding: [8, 8, 0, 0],
      scales: {
        x: { time: true },
        y: {
          range: (_u, min, max) => {
            const hi = max > 0 ? max * 1.15 : 1;
            return [yMinZero ? 0 : Math.min(min, 0), hi];
          },
        },
      },
      axes: [
        { ...axis, space: 70, values: (u, splits) => timeLabels(u, splits) },
        { ...axis, size: 58, space: 30, values: (_u, splits) => splits.map((v) => format(v)) },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.width ?? 1.5,
          ...(s.dash ? { dash: s.dash } : {}),
          ...(s.fill ? { fill: s.fill } : {}),
          spanGaps: false,
        })),
      ],
      ...(band ? { bands: [{ series: [band[0] + 1, band[1] + 1], fill: band[2] }] } : {}),
      hooks: {
        draw: [(u) => this.drawOverlay(u)],
        setCursor: [(u) => this.showTooltip(u)],
      },
    };
    return new uPlot(options, [[], ...series.map(() => [])], this.container);
  }

  /** @param {ChartData} data */
  update(data) {
    this.data = data;
    const x = data.xs.map((t) => t / 1000);
    this.plot.batch(() => {
      this.plot.setData([x, ...data.ys], false);
      this.plot.setScale('x', { min: data.fromMs / 1000, max: data.toMs / 1000 });
    });
    const observed = data.ys[0] ?? [];
    this.container.dataset.points = String(observed.filter((v) => v !== null && Number.isFinite(v)).length);
    this.container.dataset.markers = String(data.markers.filter((m) => m.kind === 'anomaly').length);
    this.container.dataset.decisions = String(data.markers.filter((m) => m.kind === 'decision').length);
    if (this.spec.band) {
      const upper = data.ys[this.spec.band[0]] ?? [];
      this.container.dataset.forecastPoints = String(upper.filter((v) => v !== null).length);
    }
  }

  destroy() {
    this.resize.disconnect();
    this.plot.destroy();
  }

  /** "now", the shaded future, anomaly lines and decision diamonds, in canvas pixels. @param {uPlot} u */
  drawOverlay(u) {
    const data = this.data;
    if (!data) return;
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    const px = devicePixelRatio;
    const xOf = (/** @type {number} */ t) => u.valToPos(t / 1000, 'x', true);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    const nowX = xOf(data.nowMs);
    if (nowX < left + width) {
      ctx.fillStyle = cssVar('--chart-future');
      ctx.fillRect(nowX, top, left + width - nowX, height);
      ctx.strokeStyle = cssVar('--chart-now');
      ctx.setLineDash([4 * px, 3 * px]);
      ctx.lineWidth = px;
      ctx.beginPath();
      ctx.moveTo(nowX, top);
      ctx.lineTo(nowX, top + height);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    for (const m of data.markers) {
      const x = xOf(m.t);
      if (x < left || x > left + width) continue;
      ctx.fillStyle = ctx.strokeStyle = m.color ?? cssVar('--bad');
      if (m.kind === 'anomaly') {
        ctx.globalAlpha = 0.25 + 0.6 * (m.score ?? 1);
        ctx.lineWidth = 2 * px;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, top + height);
        ctx.stroke();
        ctx.globalAlpha = 1;
        ctx.beginPath();
        ctx.moveTo(x - 4 * px, top);
        ctx.lineTo(x + 4 * px, top);
        ctx.lineTo(x, top + 6 * px);
        ctx.closePath();
        ctx.fill();
      } else {
        const y = top + height - 6 * px;
        const r = 4.5 * px;
        ctx.beginPath();
        ctx.moveTo(x, y - r);
        ctx.lineTo(x + r, y);
        ctx.lineTo(x, y + r);
        ctx.lineTo(x - r, y);
        ctx.closePath();
        ctx.fill();
        ctx.lineWidth = px;
        ctx.strokeStyle = cssVar('--panel');
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  /** Values under the cursor and the markers near it. @param {uPlot} u */
  showTooltip(u) {
    const { idx, left, top } = u.cursor;
    const data = this.data;
    if (!this.hovered || !data || left === undefined || left < 0) {
      this.tooltip.hidden = true;
      return;
    }
    // uPlot snaps to the nearest point, however far: past the last point (the future, a gap)
    // the tooltip gives the time under the mouse and no value.
    const near = idx !== null && idx !== undefined && Math.abs(u.valToPos(u.data[0][idx], 'x') - left) <= 12;
    const timeS = near ? u.data[0][idx] : u.posToVal(left, 'x');
    const rows = [h('div', { class: 'tt-time' }, new Date(timeS * 1000).toLocaleString())];
    this.spec.series.forEach((s, i) => {
      if (s.hidden || !near) return;
      const value = u.data[i + 1]?.[idx];
      if (value === null || value === undefined) return;
      rows.push(
        h(
          'div',
          { class: 'tt-row' },
          h('span', { class: 'tt-swatch', data: { color: s.color } }),
          `${s.label}: `,
          h('b', null, this.spec.format(value)),
        ),
      );
    });
    const marked = data.markers.filter((m) => Math.abs(u.valToPos(m.t / 1000, 'x') - left) <= 6);
    for (const m of marked.slice(0, 4)) rows.push(h('div', { class: `tt-marker tt-${m.kind}` }, m.label));
    if (marked.length > 4) rows.push(h('div', { class: 'tt-marker' }, `+${marked.length - 4} more`));
    if (rows.length === 1 && timeS * 1000 > data.nowMs)
      rows.push(h('div', { class: 'tt-marker' }, 'ahead of now'));
    this.tooltip.replaceChildren(...rows);
    for (const swatch of this.tooltip.querySelectorAll('.tt-swatch')) {
      /** @type {HTMLElement} */ (swatch).style.background =
        /** @type {HTMLElement} */ (swatch).dataset.color ?? '';
    }
    this.tooltip.hidden = false;
    const overWidth = u.over.clientWidth;
    const tipWidth = this.tooltip.offsetWidth;
    const x = left + 12 + tipWidth > overWidth ? left - 12 - tipWidth : left + 12;
    this.tooltip.style.transform = `translate(${Math.max(0, x)}px, ${Math.max(0, (top ?? 0) - 10)}px)`;
  }
}

const hourMinute = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
const monthDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/**
 * Tick labels: "14:30"; on ranges over a day, midnight ticks read "Jan 5".
 * @param {uPlot} u @param {number[]} splits seconds
 */
function timeLabels(u, splits) {
  const { min = 0, max = 0 } = u.scales.x;
  const long = max - min > 36 * 3600;
  return splits.map((s) => {
    const d = new Date(s * 1000);
    return long && d.getHours() === 0 && d.getMinutes() === 0 ? monthDay.format(d) : hourMinute.format(d);
  });
}

/**
 * Merges time series onto one sorted x axis (uPlot's aligned data). Each input is a list of
 * `{ t, value }`; missing times are null.
 * @param {{ t: number, value: number }[][]} lists
 * @returns {{ xs: number[], ys: (number | null)[][] }}
 */
export function align(lists) {
  const times = new Set();
  for (const list of lists) for (const p of list) times.add(p.t);
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const ys = lists.map((list) => {
    const column = new Array(xs.length).fill(null);
    for (const p of list) column[index.get(p.t)] = p.value;
    return column;
  });
  return { xs, ys };
}
