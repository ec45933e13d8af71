// The decisions timeline: what changed or would have, on which target, why, dry-run or applied.
import { badge, empty, h } from '../dom.js';
import * as fmt from '../format.js';

/**
 * @param {any[]} decisions newest first
 * @param {number} nowMs
 * @param {{ targets: number, entity: string }} context
 */
export function decisionsView(decisions, nowMs, context) {
  if (decisions.length === 0) {
    return [
      empty(
        context.entity ? `No decisions about ${context.entity} in this range` : 'No decisions in this range',
        context.targets === 0
          ? 'No targets configured: Headroom only watches. Add actuators.targets to let policies decide (dry-run first).'
          : 'Policies record every decision here, applied or not.',
      ),
    ];
  }
  return [
    h(
      'ol',
      { class: 'timeline' },
      decisions.map((d) => decisionItem(d, nowMs)),
    ),
  ];
}

/** @param {any} d @param {number} nowMs */
function decisionItem(d, nowMs) {
  const { kind, label } = fmt.outcome(d.outcome);
  const subject = fmt.tags(d.subject ?? {});
  const operator = d.operator?.action;
  const change =
    operator === 'pause' || operator === 'resume'
      ? `${operator === 'pause' ? 'paused' : 'resumed'} by an operator`
      : d.current !== undefined
        ? `${fmt.controlState(d.control, d.current)} → ${fmt.controlState(d.control, d.desired)}`
        : `→ ${fmt.controlState(d.control, d.desired)}`;
  const reasons = Array.isArray(d.reasons) ? d.reasons : [];
  const suppressed = Array.isArray(d.suppressed) ? d.suppressed : [];
  return h(
    'li',
    { class: `decision outcome-${kind}`, data: { decision: d.id, outcome: d.outcome } },
    h('span', { class: `tl-dot dot-${kind}` }),
    h(
      'div',
      { class: 'decision-head' },
      h('time', { title: fmt.iso(d.timeMs) }, fmt.clock(d.timeMs, nowMs)),
      badge(label, kind),
      h('span', { class: 'decision-target' }, d.target),
      h(
        'span',
        { class: 'decision-control' },
        operator ? `operator ${operator.replace('_', ' ')}` : fmt.controlName(d.control),
      ),
      // A dry-run outcome says it already; other outcomes on a dry-run target (held, failed) need it.
      d.mode === 'dry_run' && d.outcome !== 'dry_run'
        ? h('span', { class: 'decision-mode', title: 'the target is in dry_run mode' }, 'dry_run')
        : null,
    ),
    subject && h('div', { class: 'decision-subject' }, subject),
    h('div', { class: 'decision-change' }, change),
    reasons.length > 0 && h('div', { class: 'decision-reason' }, reasons[0]),
    (reasons.length > 1 || suppressed.length > 0 || d.error) &&
      h(
        'details',
        { class: 'decision-more' },
        h('summary', null, 'details'),
        h(
          'ul',
          null,
          reasons.slice(1).map((/** @type {string} */ r) => h('li', null, r)),
          suppressed.map((/** @type {any} */ s) =>
            h(
              'li',
              { class: 'suppressed' },
              `suppressed ${fmt.controlState(d.control, s.wanted)}: ${s.reason}`,
            ),
          ),
          d.policy ? h('li', { class: 'muted' }, `policy ${d.policy}, ${d.mode}`) : null,
        ),
      ),
    d.error && h('div', { class: 'decision-error' }, d.error),
  );
}
