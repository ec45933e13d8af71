// The dashboard: reads the API every few seconds and renders the header, the summary strip, a
// card per provider or service, incidents, decisions and targets. Time ranges come from the
// server's clock (GET /status nowMs), so a browser with a skewed clock still sees "now".
import { ApiError, get, storedToken, storeToken } from './api.js';
import { byId, h, replace } from './dom.js';
import * as fmt from './format.js';
import { aheadMs, buildEntities, CHART_SIGNALS, incidentConcerns, NO_VALUE, RANGES } from './model.js';
import { breakdownQueries, breakdownView } from './views/breakdown.js';
import { decisionsView } from './views/decisions.js';
import { EntityCard } from './views/entity-card.js';
import { incidentsView } from './views/incidents.js';
import { bannersView, statusView } from './views/status.js';
import { summaryView } from './views/summary.js';
import { targetsView } from './views/targets.js';

const REFRESH_CHOICES = [0, 5_000, 10_000, 30_000, 60_000];
/** Ahead-of-now span when no forecast says how far it goes (models.forecasting.horizonMinutes default). */
const DEFAULT_HORIZON_MS = 150 * 60_000;

const params = new URLSearchParams(location.search);
const state = {
  /** @type {keyof typeof RANGES} */
  range: /** @type {any} */ (params.get('range') in RANGES ? params.get('range') : '1h'),
  /** @type {'provider' | 'service'} */
  view: params.get('view') === 'service' ? 'service' : 'provider',
  entity: params.get('entity') ?? '',
  refreshMs:
    params.has('refresh') && REFRESH_CHOICES.includes(Number(params.get('refresh')))
      ? Number(params.get('refresh'))
      : 10_000,
  paused: false,
  refreshes: 0,
  /** @type {Map<string, EntityCard>} */
  cards: new Map(),
  /** @type {AbortController | null} */
  inFlight: null,
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  timer: undefined,
  /** @type {any} */
  status: null,
};

function saveLocation() {
  const q = new URLSearchParams();
  if (state.range !== '1h') q.set('range', state.range);
  if (state.view !== 'provider') q.set('view', state.view);
  if (state.entity) q.set('entity', state.entity);
  if (state.refreshMs !== 10_000) q.set('refresh', String(state.refreshMs));
  const search = q.toString();
  history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
}

// ── controls ────────────────────────────────────────────────────────────────────────────────
function setupControls() {
  const range = byId('range');
  for (const key of Object.keys(RANGES)) {
    range.append(
      h('button', { type: 'button', data: { range: key }, on: { click: () => change({ range: key }) } }, key),
    );
  }
  const view = byId('view');
  for (const [key, label] of [
    ['provider', 'Providers'],
    ['service', 'Services'],
  ]) {
    view.append(
      h(
        'button',
        { type: 'button', data: { view: key }, on: { click: () => change({ view: key, entity: '' }) } },
        label,
      ),
    );
  }
  const entity = /** @type {HTMLSelectElement} */ (byId('entity'));
  entity.addEventListener('change', () => change({ entity: entity.value }));
  const every = /** @type {HTMLSelectElement} */ (byId('refresh-every'));
  for (const ms of REFRESH_CHOICES)
    every.append(
      h('option', { value: String(ms) }, ms === 0 ? 'off' : fmt.duration(ms).replace(/^(\d+)m$/, '$1 min')),
    );
  every.value = String(state.refreshMs);
  every.addEventListener('change', () => change({ refreshMs: Number(every.value) }));
  byId('pause').addEventListener('click', () => {
    state.paused = !state.paused;
    schedule();
    renderControls();
  });
  byId('refresh-now').addEventListener('click', () => void refresh());
  byId('forget-token').addEventListener('click', () => {
    storeToken(null);
    void refresh();
  });
  const form = /** @type {HTMLFormElement} */ (byId('token-form'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = /** @type {HTMLInputElement} */ (byId('token-input'));
    const token = input.value.trim();
    if (!token) return;
    storeToken(token);
    input.value = '';
    /** @type {HTMLDialogElement} */ (byId('token-dialog')).close();
    void refresh();
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && !state.paused && state.refreshMs > 0) void refresh();
  });
}

/** @param {Partial<typeof state>} patch */
function change(patch) {
  const viewChanged = patch.view !== undefined && patch.view !== state.view;
  Object.assign(state, patch);
  if (viewChanged) clearCards();
  saveLocation();
  renderControls();
  void refresh();
}

function renderControls() {
  for (const b of byId('range').querySelectorAll('button')) pressed(b, b.dataset.range === state.range);
  for (const b of byId('view').querySelectorAll('button')) pressed(b, b.dataset.view === state.view);
  const pause = byId('pause');
  const live = !state.paused && state.refreshMs > 0;
  pause.textContent = state.paused ? '▶' : '❚❚';
  pause.title = state.paused ? 'resume auto-refresh' : 'pause auto-refresh';
  pause.setAttribute('aria-label', pause.title);
  pause.classList.toggle('active', state.paused);
  pause.hidden = state.refreshMs === 0;
  byId('live').classList.toggle('is-live', live);
  byId('live').title = live ? `auto-refresh every ${fmt.duration(state.refreshMs)}` : 'auto-refresh paused';
  byId('forget-token').hidden = !storedToken();
  byId('entities-title').textContent = state.view === 'provider' ? 'Providers' : 'Services';
}

/** @param {HTMLElement} button @param {boolean} on */
function pressed(button, on) {
  button.classList.toggle('active', on);
  button.setAttribute('aria-pressed', String(on));
}

function clearCards() {
  for (const card of state.cards.values()) card.destroy();
  state.cards.clear();
}

// ── refresh loop ────────────────────────────────────────────────────────────────────────────
function schedule() {
  clearTimeout(state.timer);
  if (state.paused || state.refreshMs === 0) return;
  state.timer = setTimeout(() => {
    if (document.hidden) schedule();
    else void refresh();
  }, state.refreshMs);
}

/** Fetches everything for the current view and renders it; one at a time (a newer one aborts). */
async function refresh() {
  state.inFlight?.abort();
  const controller = new AbortController();
  state.inFlight = controller;
  clearTimeout(state.timer);
  document.body.dataset.state = 'loading';
  const startedMs = performance.now();
  try {
    const status = await get('status', {}, controller.signal);
    const data = await load(status, controller.signal);
    if (controller.signal.aborted) return;
    state.status = status;
    render(data);
    const tookMs = Math.round(performance.now() - startedMs);
    byId('updated').title = `server time ${fmt.iso(data.frame.nowMs)}; read and drawn in ${tookMs} ms`;
    document.body.dataset.refreshMs = String(tookMs);
    state.refreshes += 1;
    document.body.dataset.refreshes = String(state.refreshes);
    document.body.dataset.state = 'ready';
  } catch (err) {
    if (controller.signal.aborted) return;
    handleError(err);
  } finally {
    if (state.inFlight === controller) {
      state.inFlight = null;
      schedule();
    }
  }
}

/** @param {unknown} err */
function handleError(err) {
  if (err instanceof ApiError && err.status === 401) {
    document.body.dataset.state = 'auth';
    const dialog = /** @type {HTMLDialogElement} */ (byId('token-dialog'));
    byId('token-error').textContent = storedToken() ? 'That token was refused.' : '';
    storeToken(null);
    if (!dialog.open) dialog.showModal();
    return;
  }
  document.body.dataset.state = 'error';
  const message = err instanceof Error ? err.message : String(err);
  const when = state.status ? ' Showing the last data received.' : '';
  replace(
    byId('banners'),
    ...bannersView(state.status, `Cannot read the Headroom API: ${message}.${when} Retrying.`),
  );
}

/**
 * @param {any} status
 * @param {AbortSignal} signal
 */
async function load(status, signal) {
  const nowMs = Number(status.nowMs ?? Date.now());
  const preset = RANGES[state.range];
  const fromMs = nowMs - preset.spanMs;
  const measurements = state.view === 'provider' ? ['api_calls'] : ['inbound', 'api_calls'];
  const errors = /** @type {string[]} */ ([]);
  /** @template T @param {Promise<T>} p @param {T} fallback @param {string} what @returns {Promise<T>} */
  const soft = (p, fallback, what) =>
    p.catch((err) => {
      if (err instanceof ApiError && err.status === 401) throw err;
      if (signal.aborted) throw err;
      errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      return fallback;
    });
  const signalQueries = measurements.flatMap((measurement) =>
    Object.entries(CHART_SIGNALS).map(async ([chart, signalName]) => {
      const answer = await soft(
        get(
          'signals',
          {
            signal: signalName,
            measurement,
            from: fromMs,
            to: nowMs,
            step: preset.step,
            groupBy: state.view,
          },
          signal,
        ),
        { series: [] },
        `${signalName} (${measurement})`,
      );
      return { measurement, chart, series: answer.series };
    }),
  );
  const breakdownParts = state.entity
    ? breakdownQueries(state.view, state.entity).map(async (query) => {
        const [rate, latency, errorRatio] = await Promise.all(
          Object.values(CHART_SIGNALS).map((signalName) =>
            soft(
              get(
                'signals',
                {
                  signal: signalName,
                  measurement: query.measurement,
                  from: fromMs,
                  to: nowMs,
                  step: preset.step,
                  groupBy: query.groupBy.join(','),
                  ...query.filter,
                },
                signal,
              ),
              { series: [] },
              `${signalName} breakdown`,
            ),
          ),
        );
        return { query, rate: rate.series, latency: latency.series, errors: errorRatio.series };
      })
    : [];
  const [
    signals,
    breakdown,
    forecasts,
    anomalies,
    anomalySeries,
    decisions,
    targets,
    open,
    resolved,
    silences,
  ] = await Promise.all([
    Promise.all(signalQueries),
    Promise.all(breakdownParts),
    soft(
      get('forecasts', { measurement: state.view === 'provider' ? 'api_calls' : 'inbound' }, signal),
      { forecasts: [] },
      'forecasts',
    ),
    soft(
      get('anomalies', { from: fromMs, to: nowMs + 1, limit: 1000 }, signal),
      { anomalies: [] },
      'anomalies',
    ),
    soft(get('anomalies/series', {}, signal), { series: [] }, 'anomaly scores'),
    soft(
      get('decisions', { from: fromMs, to: nowMs + 1, limit: 200 }, signal),
      { decisions: [] },
      'decisions',
    ),
    soft(get('targets', {}, signal), { targets: [] }, 'targets'),
    soft(get('incidents', { status: 'open', limit: 100 }, signal), { incidents: [] }, 'incidents'),
    soft(
      get('incidents', { status: 'resolved', from: fromMs, limit: 50 }, signal),
      { incidents: [] },
      'resolved incidents',
    ),
    soft(get('silences', { state: 'active' }, signal), { silences: [] }, 'silences'),
  ]);
  // How far the newest forecast reaches decides how far ahead of now the charts go.
  const horizons = (forecasts.forecasts ?? []).map(
    (/** @type {any} */ f) => (f.points?.at(-1)?.t ?? 0) - nowMs,
  );
  const horizonMs = horizons.length > 0 ? Math.max(...horizons) : DEFAULT_HORIZON_MS;
  const frame = { fromMs, toMs: nowMs + aheadMs(preset.spanMs, horizonMs), nowMs, stepMs: preset.stepMs };
  /** @type {Record<string, Record<string, any[]>>} */
  const byMeasurement = {};
  for (const s of signals) (byMeasurement[s.measurement] ??= {})[s.chart] = s.series;
  return {
    status,
    frame,
    errors,
    signals: byMeasurement,
    breakdown,
    forecasts: forecasts.forecasts ?? [],
    anomalies: anomalies.anomalies ?? [],
    anomalySeries: anomalySeries.series ?? [],
    decisions: decisions.decisions ?? [],
    targets: targets.targets ?? [],
    open: open.incidents ?? [],
    resolved: resolved.incidents ?? [],
    silences: silences.silences ?? [],
  };
}

// ── rendering ───────────────────────────────────────────────────────────────────────────────
/** @param {Awaited<ReturnType<typeof load>>} data */
function render(data) {
  const { status, frame } = data;
  replace(byId('status'), ...statusView(status));
  replace(
    byId('banners'),
    ...bannersView(
      status,
      data.errors.length > 0 ? `Some panels could not load: ${data.errors.join('; ')}` : null,
    ),
  );
  byId('updated').textContent = fmt.clock(frame.nowMs, frame.nowMs, true);

  const all = buildEntities({
    view: state.view,
    signals: data.signals,
    forecasts: data.forecasts,
    anomalies: data.anomalies,
    anomalySeries: data.anomalySeries,
    decisions: data.decisions,
    incidents: [...data.open, ...data.resolved],
  });
  renderEntityOptions(all.map((e) => e.key));
  const shown = state.entity ? all.filter((e) => e.key === state.entity) : all;
  renderEntities(shown, frame);
  for (const [key, card] of state.cards) {
    card.setBreakdown(key === state.entity ? breakdownView(data.breakdown, data.anomalies, frame) : []);
  }

  const concerns = (/** @type {any} */ i) => !state.entity || incidentConcerns(i, state.view, state.entity);
  const subjectMatches = (/** @type {any} */ d) =>
    !state.entity || (d.subject?.[state.view] ?? NO_VALUE) === state.entity;
  const decisions = data.decisions.filter(subjectMatches);
  const open = data.open.filter(concerns);
  replace(
    byId('summary'),
    ...summaryView({
      open,
      anomalies: state.entity ? shown.flatMap((e) => e.anomalies) : data.anomalies,
      anomalySeries: data.anomalySeries,
      decisions,
      targets: data.targets,
      status,
      rangeLabel: state.range,
    }),
  );
  byId('incidents-count').textContent = open.length > 0 ? String(open.length) : '';
  // A tab kept open among others still says when something is wrong.
  document.title = data.open.length > 0 ? `(${data.open.length}) Headroom` : 'Headroom';
  replace(
    byId('incidents'),
    ...incidentsView(open, data.resolved.filter(concerns), data.silences, frame.nowMs),
  );
  byId('decisions-count').textContent = decisions.length > 0 ? String(decisions.length) : '';
  replace(
    byId('decisions'),
    ...decisionsView(decisions, frame.nowMs, { targets: data.targets.length, entity: state.entity }),
  );
  replace(byId('targets'), ...targetsView(data.targets, frame.nowMs));
}

/** @param {string[]} keys */
function renderEntityOptions(keys) {
  const select = /** @type {HTMLSelectElement} */ (byId('entity'));
  const values = ['', ...keys.slice().sort()];
  if (state.entity && !values.includes(state.entity)) values.push(state.entity);
  const all = state.view === 'provider' ? 'All providers' : 'All services';
  const wanted = values.map((k) => [k, k === '' ? all : keys.includes(k) ? k : `${k} (no data)`]);
  const have = [...select.options].map((o) => [o.value, o.text]);
  // Rebuilt only when the list changed, so an open drop-down is not reset by every refresh.
  if (JSON.stringify(have) !== JSON.stringify(wanted)) {
    select.replaceChildren(...wanted.map(([value, label]) => h('option', { value }, label)));
  }
  select.value = state.entity;
}

/** @param {import('./model.js').Entity[]} entities @param {any} frame */
function renderEntities(entities, frame) {
  const container = byId('entities');
  const keep = new Set(entities.map((e) => e.key));
  for (const [key, card] of state.cards) {
    if (!keep.has(key)) {
      card.destroy();
      state.cards.delete(key);
    }
  }
  const emptyNote = byId('entities-empty');
  emptyNote.hidden = entities.length > 0;
  if (entities.length === 0) {
    replace(
      emptyNote,
      h(
        'div',
        { class: 'empty-title' },
        state.entity ? `No data for ${state.entity} in the last ${state.range}` : 'No data yet',
      ),
      h(
        'div',
        { class: 'empty-hint' },
        state.entity
          ? 'Pick a longer range, or another one in the list.'
          : 'Point an OpenTelemetry SDK or Collector at the OTLP receiver (http://<host>:4318/v1/traces or /v1/metrics), or configure nginx logs or probes. Charts appear within a minute of the first data.',
      ),
    );
  }
  entities.forEach((e, i) => {
    let card = state.cards.get(e.key);
    if (!card) {
      card = new EntityCard(e.key, state.view);
      state.cards.set(e.key, card);
    }
    // Appending an attached node moves it: cards follow the urgency order without being rebuilt.
    if (container.children[i] !== card.el) container.insertBefore(card.el, container.children[i] ?? null);
    card.update(e, frame);
  });
}

setupControls();
renderControls();
void refresh();
