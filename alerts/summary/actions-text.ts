import type { ActionFact } from '../incidents/facts.js';
import { formatNumber, listOf } from './format.js';

/** What a decision's subject is called in a sentence ("checkout", "stripe"). */
export function subjectName(subject: Readonly<Record<string, string>>): string {
  const parts = [subject.service, subject.provider, subject.endpoint].filter(Boolean) as string[];
  return parts.length > 0 ? parts.join(' → ') : 'the target';
}

const QUANTITY: Record<string, (n: number) => string> = {
  replicas: (n) => `${formatNumber(n)} ${n === 1 ? 'replica' : 'replicas'}`,
  rate_limit: (n) => `${formatNumber(n)} req/s`,
  cache_ttl: (n) => `${formatNumber(n)} ${n === 1 ? 'second' : 'seconds'}`,
};

const VERB: Record<string, { done: string; would: string; noun: string }> = {
  replicas: { done: 'scaled', would: 'would scale', noun: 'replicas' },
  rate_limit: { done: 'set the rate limit of', would: 'would set the rate limit of', noun: 'rate limit' },
  cache_ttl: { done: 'set the cache TTL of', would: 'would set the cache TTL of', noun: 'cache TTL' },
};

/** The change itself: "scaled checkout from 4 to 9 replicas". */
function change(action: ActionFact, tense: 'done' | 'would'): string {
  const who = subjectName(action.subject);
  if (action.control === 'routing') {
    const away = action.down?.length ? ` away from ${listOf(action.down)}` : '';
    const to = action.backup?.length ? ` to ${listOf(action.backup)}` : '';
    return `${tense === 'done' ? 'moved' : 'would move'} ${who} traffic${away}${to}`;
  }
  const verb = VERB[action.control];
  const quantity = QUANTITY[action.control];
  if (!verb || !quantity || action.to === undefined) {
    return `${tense === 'done' ? 'changed' : 'would change'} ${action.policy} for ${who}`;
  }
  if (action.from === action.to)
    return `${tense === 'done' ? 'kept' : 'would keep'} ${who} at ${quantity(action.to)}`;
  const from = action.from !== undefined ? ` from ${formatNumber(action.from)}` : '';
  return `${verb[tense]} ${who}${from} to ${quantity(action.to)}`;
}

/**
 * One sentence for a decision, naming what happened to it (applied, dry run, held, failed...)
 * and its first reason, as the policy wrote it.
 */
export function actionSentence(action: ActionFact): string {
  const reason = action.reasons[0] ? `: ${action.reasons[0].replace(/\.$/, '')}` : '';
  const who = subjectName(action.subject);
  switch (action.outcome) {
    case 'applied':
      return `Headroom ${change(action, 'done')}${reason}.`;
    case 'dry_run':
      return `Headroom ${change(action, 'would')} (dry run: recorded, not applied)${reason}.`;
    case 'held':
      return `Headroom held the last applied ${VERB[action.control]?.noun ?? action.policy} for ${who} (fail-static)${reason}.`;
    case 'paused':
      return `Headroom did not act on ${who}: the ${action.target} target is paused by an operator.`;
    case 'overridden':
      return `Headroom did not act on ${who}: an operator pinned the ${action.target} target.`;
    case 'failed':
      return `Headroom tried to act on ${who} but ${action.target} refused or was unreachable${
        action.error ? ` (${action.error.replace(/\.$/, '')})` : ''
      }.`;
    default:
      return `Headroom ${change(action, 'done')} (${action.outcome})${reason}.`;
  }
}

/** Orders decisions by importance: applied, then failed, dry run, held; newest first within. */
export function rankActions(actions: readonly ActionFact[]): ActionFact[] {
  const weight: Record<string, number> = {
    applied: 0,
    failed: 1,
    dry_run: 2,
    held: 3,
    overridden: 4,
    paused: 5,
  };
  return [...actions].sort(
    (a, b) =>
      (weight[a.outcome] ?? 9) - (weight[b.outcome] ?? 9) || b.timeMs - a.timeMs || a.id.localeCompare(b.id),
  );
}
