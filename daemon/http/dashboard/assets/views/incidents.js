// Open incidents with their plain-English summaries and timelines; recently resolved below.
import { badge, empty, h } from '../dom.js';
import * as fmt from '../format.js';

/**
 * @param {any[]} open newest first
 * @param {any[]} resolved resolved incidents that started in the range, newest first
 * @param {any[]} silences active silences
 * @param {number} nowMs
 */
export function incidentsView(open, resolved, silences, nowMs) {
  const out = [];
  if (silences.length > 0) {
    out.push(
      h(
        'details',
        { class: 'silences' },
        h(
          'summary',
          null,
          `${silences.length} active silence${silences.length === 1 ? '' : 's'}: notifications held`,
        ),
        h(
          'ul',
          null,
          silences.map((/** @type {any} */ s) =>
            h(
              'li',
              { data: { silence: s.id } },
              h('code', null, fmt.tags(s.matchers ?? {})),
              ` until ${fmt.clock(s.endsMs, nowMs)} · ${s.createdBy}: ${s.comment}`,
            ),
          ),
        ),
      ),
    );
  }
  if (open.length === 0)
    out.push(empty('No open incidents', 'Anomalies that persist open an incident here and on Slack.'));
  for (const incident of open) out.push(incidentCard(incident, nowMs, true));
  if (resolved.length > 0) {
    out.push(
      h(
        'details',
        { class: 'resolved' },
        h('summary', null, `Resolved in this range (${resolved.length})`),
        resolved.map((i) => incidentCard(i, nowMs, false)),
      ),
    );
  }
  return out;
}

/** @param {any} incident @param {number} nowMs @param {boolean} open */
function incidentCard(incident, nowMs, open) {
  const started = incident.startedMs;
  const lasted = (incident.resolvedMs ?? nowMs) - started;
  const affected = [
    ...(incident.facts?.providers ?? []).map((/** @type {string} */ p) => `provider ${p}`),
    ...(incident.facts?.services ?? []).map((/** @type {string} */ s) => `service ${s}`),
  ];
  const endpoints = incident.facts?.endpoints ?? [];
  const timeline = Array.isArray(incident.timeline) ? incident.timeline : [];
  return h(
    'article',
    {
      class: `incident sev-${incident.severity} ${open ? 'is-open' : 'is-resolved'}`,
      data: { incident: incident.id, status: incident.status },
    },
    h(
      'header',
      { class: 'incident-head' },
      badge(incident.severity, fmt.severityKind(incident.severity)),
      h('h3', { class: 'incident-title' }, incident.title),
    ),
    h(
      'div',
      { class: 'incident-meta' },
      h(
        'span',
        { title: fmt.iso(started) },
        `${open ? 'open since' : 'started'} ${fmt.clock(started, nowMs)}`,
      ),
      ` · ${open ? 'for' : 'lasted'} ${fmt.duration(lasted)}`,
      incident.notifications > 0
        ? ` · ${incident.notifications} message${incident.notifications === 1 ? '' : 's'} sent`
        : '',
    ),
    h('p', { class: 'incident-summary' }, withCode(String(incident.summary ?? ''))),
    affected.length + endpoints.length > 0 &&
      h(
        'div',
        { class: 'incident-affected' },
        affected.map((a) => h('span', { class: 'chip' }, a)),
        endpoints.slice(0, 6).map((/** @type {string} */ e) => h('code', { class: 'chip' }, e)),
        endpoints.length > 6 ? h('span', { class: 'chip' }, `+${endpoints.length - 6}`) : null,
      ),
    timeline.length > 0 &&
      h(
        'details',
        { class: 'incident-timeline' },
        h('summary', null, `Timeline (${timeline.length})`),
        h(
          'ol',
          null,
          timeline.map((/** @type {any} */ entry) =>
            h(
              'li',
              null,
              h('time', { title: fmt.iso(entry.timeMs) }, fmt.clock(entry.timeMs, nowMs, true)),
              ' ',
              h('span', { class: 'tl-kind' }, entry.kind),
              ' ',
              entry.text,
            ),
          ),
        ),
      ),
  );
}

/**
 * The summary is written for Slack: `code` spans become <code> elements (built as text nodes,
 * so nothing in the summary is ever parsed as markup).
 * @param {string} text
 */
function withCode(text) {
  return text.split('`').map((part, i) => (i % 2 === 1 ? h('code', null, part) : part));
}
