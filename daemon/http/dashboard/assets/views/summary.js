// The strip of headline numbers under the header: incidents, anomalies, learning, decisions,
// targets, forecasting.
import { h } from '../dom.js';

/**
 * @param {{ open: any[], anomalies: any[], anomalySeries: any[], decisions: any[], targets: any[], status: any, rangeLabel: string }} s
 */
export function summaryView(s) {
  const critical = s.open.filter((i) => i.severity === 'critical').length;
  const anomalousNow = s.anomalySeries.filter((a) => a.anomalous).length;
  const warming = s.anomalySeries.filter((a) => a.warmingUp).length;
  const watched = s.anomalySeries.length;
  const count = (/** @type {string} */ outcome) => s.decisions.filter((d) => d.outcome === outcome).length;
  const enforce = s.targets.filter((t) => t.mode === 'enforce').length;
  const paused = s.targets.filter((t) => t.paused).length;
  const forecasting = s.status?.modules?.forecasting;
  return [
    tile(
      'incidents',
      'Open incidents',
      String(s.open.length),
      critical > 0 ? `${critical} critical` : s.open.length > 0 ? 'none critical' : 'all quiet',
      s.open.length > 0 ? (critical > 0 ? 'bad' : 'warn') : 'good',
    ),
    tile(
      'anomalies',
      `Anomalies (${s.rangeLabel})`,
      String(s.anomalies.length),
      anomalousNow > 0 ? `${anomalousNow} series anomalous now` : 'none right now',
      anomalousNow > 0 ? 'bad' : s.anomalies.length > 0 ? 'warn' : 'neutral',
    ),
    tile(
      'learning',
      'Detection',
      watched === 0 ? '–' : warming > 0 ? `${warming} learning` : `${watched} scored`,
      watched === 0
        ? 'no series scored yet'
        : warming > 0
          ? `warming up: ${warming} of ${watched} series still learning`
          : `all ${watched} series scored`,
      warming > 0 || watched === 0 ? 'muted' : 'neutral',
    ),
    tile(
      'decisions',
      `Decisions (${s.rangeLabel})`,
      String(s.decisions.length),
      s.decisions.length === 0
        ? 'none in this range'
        : `${count('applied')} applied · ${count('dry_run')} dry-run · ${count('failed')} failed`,
      count('failed') > 0 ? 'bad' : 'neutral',
    ),
    tile(
      'targets',
      'Targets',
      String(s.targets.length),
      s.targets.length === 0
        ? 'none configured'
        : `${enforce} enforce · ${s.targets.length - enforce} dry-run${paused ? ` · ${paused} paused` : ''}`,
      paused > 0 ? 'warn' : 'neutral',
    ),
    tile(
      'forecasting',
      'Forecasts',
      forecasting ? String(forecasting.series ?? 0) : '–',
      forecasting ? `serving ${forecasting.serving ?? 'unknown'}` : 'forecasting off',
      'neutral',
    ),
  ];
}

/** @param {string} key @param {string} label @param {string} value @param {string} detail @param {string} tone */
function tile(key, label, value, detail, tone) {
  return h(
    'div',
    { class: `tile tone-${tone}`, data: { tile: key } },
    h('div', { class: 'tile-label' }, label),
    h('div', { class: 'tile-value' }, value),
    h('div', { class: 'tile-detail', title: detail }, detail),
  );
}
