// Each target: mode (dry_run / enforce), paused, overrides, breaker, last error; and per subject
// the current state read back against the desired one, with the last decision.
import { badge, empty, h } from '../dom.js';
import * as fmt from '../format.js';

/** @param {any[]} targets @param {number} nowMs */
export function targetsView(targets, nowMs) {
  if (targets.length === 0) {
    return [
      empty(
        'No targets configured',
        'Headroom decides and records only. Add actuators.targets (nginx, Kubernetes, Redis, webhook) to act; they start in dry_run.',
      ),
    ];
  }
  const rows = [];
  for (const t of targets) {
    rows.push(targetRow(t, nowMs));
    const subjects = Array.isArray(t.subjects) ? t.subjects : [];
    if (subjects.length === 0) {
      rows.push(
        h('tr', { class: 'subject-row' }, h('td', { colspan: '5', class: 'muted' }, 'no decisions yet')),
      );
    }
    for (const s of subjects) rows.push(subjectRow(t, s, nowMs));
  }
  return [
    h(
      'table',
      { class: 'targets' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Control · subject', 'Current', 'Desired', 'In force', 'Last decision'].map((c) =>
            h('th', null, c),
          ),
        ),
      ),
      h('tbody', null, rows),
    ),
  ];
}

/** @param {any} t @param {number} nowMs */
function targetRow(t, nowMs) {
  const state = [];
  if (t.paused)
    state.push(
      badge(
        `paused ${fmt.ago(t.paused.sinceMs, nowMs)}${t.paused.reason ? `: ${t.paused.reason}` : ''}`,
        'warn',
      ),
    );
  if (!t.started) state.push(badge('not started', 'bad'));
  if (t.breaker && t.breaker !== 'closed') state.push(badge(`breaker ${t.breaker}`, 'bad'));
  if (t.started && !t.paused && (!t.breaker || t.breaker === 'closed') && !t.lastError)
    state.push(badge('healthy', 'good'));
  const overrides = Array.isArray(t.overrides) ? t.overrides : [];
  for (const o of overrides) {
    state.push(
      badge(
        `override ${fmt.controlName(o.control)} ${fmt.tags(o.subject)} = ${fmt.controlState(o.control, o.value)} until ${fmt.clock(o.untilMs, nowMs)}`,
        'accent',
      ),
    );
  }
  return h(
    'tr',
    { class: 'target-row', data: { target: t.id, mode: t.mode } },
    h(
      'td',
      { colspan: '5' },
      h(
        'div',
        { class: 'target-head' },
        h('span', { class: 'target-id' }, t.id),
        h('span', { class: 'target-kind' }, t.kind),
        h(
          'span',
          { class: `mode mode-${t.mode}`, data: { mode: t.mode } },
          t.mode === 'enforce' ? 'enforce' : 'dry run',
        ),
        state,
        t.lastError &&
          h(
            'span',
            { class: 'target-error', title: fmt.iso(t.lastError.atMs) },
            `last error ${fmt.ago(t.lastError.atMs, nowMs)}: ${t.lastError.message}`,
          ),
      ),
    ),
  );
}

/** @param {any} t @param {any} s @param {number} nowMs */
function subjectRow(t, s, nowMs) {
  const differs = s.current !== undefined && JSON.stringify(s.current) !== JSON.stringify(s.desired);
  const last = s.lastDecision;
  const outcome = last ? fmt.outcome(last.outcome) : undefined;
  return h(
    'tr',
    { class: 'subject-row', data: { target: t.id, control: s.control } },
    h(
      'td',
      null,
      h('span', { class: 'subject-control' }, fmt.controlName(s.control)),
      ' ',
      h('span', { class: 'subject-tags' }, fmt.tags(s.subject)),
    ),
    h('td', { class: 'state-current' }, fmt.controlState(s.control, s.current)),
    h('td', { class: `state-desired${differs ? ' differs' : ''}` }, fmt.controlState(s.control, s.desired)),
    h(
      'td',
      { class: 'state-applied' },
      s.lastApplied
        ? fmt.controlState(s.control, s.lastApplied.state)
        : t.mode === 'dry_run'
          ? 'not applied (dry run)'
          : '–',
    ),
    h(
      'td',
      null,
      outcome ? badge(outcome.label, outcome.kind) : '–',
      last
        ? h(
            'span',
            { class: 'muted', title: fmt.iso(last.timeMs) },
            ` ${fmt.ago(last.timeMs, nowMs)} · ${last.policy}`,
          )
        : null,
    ),
  );
}
