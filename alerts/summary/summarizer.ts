import type { NotificationField } from '../../core/notifier.js';
import { endpointLabel, type IncidentFacts, type SeriesFact, signalLabel } from '../incidents/facts.js';
import { actionSentence, rankActions } from './actions-text.js';
import { rankSeries } from './cause.js';
import {
  formatMinutes,
  formatNumber,
  formatQuantity,
  formatRatio,
  formatTimeUtc,
  listOf,
  plural,
} from './format.js';

export interface Summary {
  /** Under 90 characters, plain text. */
  readonly title: string;
  /** A few plain sentences, most important first. */
  readonly body: string;
  /** Key figures (at most 8). */
  readonly fields: readonly NotificationField[];
}

export const TITLE_MAX_CHARS = 89;
const MAX_ACTIONS = 3;

/**
 * Writes an incident's title, body and key figures from its facts, and only from them: every
 * figure printed is a fact value (format.ts rounding), which checkNumbers verifies. Sentences,
 * in order: what moved most and by how much, the breadth, onset and duration, the likely
 * cause, the dominant error templates, what Headroom did (with reasons), the forecast.
 */
export function summarize(facts: IncidentFacts): Summary {
  const ranked = rankSeries(facts.series);
  const top = ranked[0];
  if (!top) {
    return { title: truncateTitle(`${scopeName(facts)}: anomaly`), body: onsetSentence(facts), fields: [] };
  }
  const sentences: string[] = [];
  if (facts.status === 'resolved') sentences.push(resolvedSentence(facts));
  sentences.push(magnitudeSentence(top, facts.status));
  const breadth = breadthSentence(facts, top, ranked);
  if (breadth) sentences.push(breadth);
  if (facts.status === 'open') sentences.push(onsetSentence(facts));
  const cause = causeSentence(facts);
  if (cause) sentences.push(cause);
  const errors = errorsSentence(facts);
  if (errors) sentences.push(errors);
  sentences.push(...actionSentences(facts));
  const forecast = facts.status === 'open' ? forecastSentence(facts) : undefined;
  if (forecast) sentences.push(forecast);
  return { title: titleOf(facts, top), body: sentences.join(' '), fields: fieldsOf(facts, top) };
}

/** "stripe", "stripe / checkout", or "all services" when ungrouped. */
export function scopeName(facts: IncidentFacts): string {
  const values = Object.values(facts.groupTags);
  return values.length > 0 ? values.join(' / ') : 'Headroom';
}

function titleOf(facts: IncidentFacts, top: SeriesFact): string {
  const what = headline(top);
  const endpoint = endpointLabel(top.tags);
  let where = '';
  if (facts.endpointCount > 1) where = ` on ${plural(facts.endpointCount, 'endpoint')}`;
  else if (endpoint) where = ` on ${endpoint}`;
  else if (facts.serviceCount > 1) where = ` in ${plural(facts.serviceCount, 'service')}`;
  const full = `${scopeName(facts)}: ${what}${where}`;
  return truncateTitle(full.length <= TITLE_MAX_CHARS ? full : `${scopeName(facts)}: ${what}`);
}

/** "p95 latency 4.2× normal", "38% of calls failing", "request rate 0.25× normal". */
function headline(series: SeriesFact): string {
  if (series.signal === 'error_ratio') return `${formatQuantity(series.peak, '%')} of calls failing`;
  const label = signalLabel(series.signal);
  if (series.ratio !== undefined) return `${label} ${formatRatio(series.ratio)} normal`;
  return `${label} ${series.direction === 'up' ? 'up' : 'down'} at ${formatQuantity(series.peak, series.unit)}`;
}

/** Cuts at a word boundary (never inside a figure) and marks the cut. */
export function truncateTitle(title: string, max = TITLE_MAX_CHARS): string {
  if (title.length <= max) return title;
  const cut = title.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > 20 ? cut.slice(0, space) : cut).replace(/[\s:,;/-]+$/, '')}…`;
}

/** "calls to stripe `POST /v1/charges`", "inbound traffic of checkout". */
function whereOf(series: SeriesFact): string {
  const endpoint = endpointLabel(series.tags);
  if (series.measurement === 'inbound') {
    const service = series.tags.service ?? 'the service';
    return `Inbound traffic of ${service}${endpoint ? ` \`${endpoint}\`` : ''}`;
  }
  const provider = series.tags.provider ? ` to ${series.tags.provider}` : '';
  return `Calls${provider}${endpoint ? ` \`${endpoint}\`` : ''}`;
}

function magnitudeSentence(top: SeriesFact, status: IncidentFacts['status']): string {
  const verb = status === 'resolved' ? 'peaked at' : top.direction === 'up' ? 'rose to' : 'fell to';
  const normal = top.normal !== undefined ? `, against ${formatQuantity(top.normal, top.unit)} normally` : '';
  const ratio = top.ratio !== undefined ? ` (${formatRatio(top.ratio)})` : '';
  if (top.signal === 'error_ratio') {
    const failing = status === 'resolved' ? 'failed at the worst point' : 'failed';
    return `${whereOf(top)}: ${formatQuantity(top.peak, '%')} ${failing}${normal}.`;
  }
  return `${whereOf(top)}: ${signalLabel(top.signal)} ${verb} ${formatQuantity(top.peak, top.unit)}${normal}${ratio}.`;
}

function breadthSentence(
  facts: IncidentFacts,
  top: SeriesFact,
  ranked: readonly SeriesFact[],
): string | undefined {
  const rest = ranked.filter((s) => s.signal !== top.signal);
  const others = [...new Set(rest.map((s) => signalLabel(s.signal)))];
  const verb = rest.every((s) => s.direction === 'up')
    ? 'rose'
    : rest.every((s) => s.direction === 'down')
      ? 'fell'
      : 'moved';
  const also = others.length > 0 ? ` ${capitalise(listOf(others))} ${verb} too.` : '';
  if (facts.endpointCount <= 1 && facts.serviceCount <= 1) {
    const caller =
      top.measurement === 'api_calls' && facts.services[0] ? `, called from ${facts.services[0]}` : '';
    const only = facts.endpointCount === 1 ? `Only this endpoint is affected${caller}.` : '';
    return `${only}${also}`.trim() || undefined;
  }
  const endpoints = facts.endpointCount > 0 ? `${plural(facts.endpointCount, 'endpoint')} in ` : '';
  const services =
    facts.serviceCount > 0
      ? `${plural(facts.serviceCount, 'service')} (${listOf(facts.services)})`
      : plural(facts.providerCount, 'provider');
  return `It spans ${endpoints}${services}.${also}`;
}

function onsetSentence(facts: IncidentFacts): string {
  const started = `It started at ${formatTimeUtc(facts.startedMs)}`;
  if (facts.status === 'resolved') return `${started} and lasted ${formatMinutes(facts.durationMinutes)}.`;
  return facts.durationMinutes < 1
    ? `${started}.`
    : `${started} and has lasted ${formatMinutes(facts.durationMinutes)}.`;
}

function resolvedSentence(facts: IncidentFacts): string {
  const at = facts.resolvedMs !== undefined ? ` at ${formatTimeUtc(facts.resolvedMs)}` : '';
  return `Resolved${at} after ${formatMinutes(facts.quietMinutes)} without an anomaly. ${onsetSentence(facts)}`;
}

function causeSentence(facts: IncidentFacts): string | undefined {
  const cause = facts.cause;
  if (!cause) return undefined;
  const first = facts.series.find((s) => s.key === cause.firstKey);
  const lead =
    cause.leadMinutes !== undefined && cause.leadMinutes >= 1
      ? `, ${formatMinutes(cause.leadMinutes)} before anything else`
      : '';
  const provider = facts.providers[0];
  switch (cause.kind) {
    case 'traffic':
      return `Request rate moved first${lead}, so the extra load is the likely cause.`;
    case 'provider':
      return `Every affected call goes to ${provider}${
        facts.serviceCount > 1 ? `, from ${plural(facts.serviceCount, 'service')}` : ''
      }, so ${provider} itself is the likely cause rather than your code.`;
    case 'endpoint': {
      const endpoint = first ? endpointLabel(first.tags) : undefined;
      return endpoint
        ? `Nothing else at ${provider} moved, so the problem is likely specific to \`${endpoint}\` at ${provider}.`
        : `Nothing else moved, so the problem is likely at ${provider}.`;
    }
    case 'service':
      return `Calls from ${facts.services[0]} to ${plural(facts.providerCount, 'provider')} degraded together, which points at ${facts.services[0]} itself (its network or a shared dependency) rather than one provider.`;
    default:
      return first ? `${capitalise(signalLabel(first.signal))} moved first${lead}.` : undefined;
  }
}

function errorsSentence(facts: IncidentFacts): string | undefined {
  const errors = facts.errors;
  if (!errors || errors.sampleCount < 5) return undefined;
  const named = errors.templates
    .filter((t, i) => (i === 0 ? t.sharePercent >= 20 : t.sharePercent >= 10))
    .slice(0, 2);
  if (named.length === 0) return undefined;
  const parts = named.map(
    (t, i) =>
      `${formatNumber(t.sharePercent, 0)}%${i === 0 ? ' of errors' : ''}: \`${t.template.replaceAll('`', "'")}\``,
  );
  return `${parts.join('; ')}.`;
}

function actionSentences(facts: IncidentFacts): string[] {
  if (facts.actions.length === 0) return ['Headroom has taken no action.'];
  // Repeated decisions (the same change every control-loop round) read as one sentence.
  const sentences = [...new Set(rankActions(facts.actions).map(actionSentence))];
  const out = sentences.slice(0, MAX_ACTIONS);
  if (sentences.length > MAX_ACTIONS) out.push('Further decisions are in the incident timeline.');
  return out;
}

function forecastSentence(facts: IncidentFacts): string | undefined {
  const f = facts.forecast;
  if (!f) return undefined;
  const scope = f.tags.service ?? f.tags.provider;
  const peak = formatQuantity(f.p50Peak, f.unit);
  return `Forecast: ${signalLabel(f.signal)}${scope ? ` of ${scope}` : ''} peaks around ${peak} at ${formatTimeUtc(
    f.p50PeakMs,
  )} (up to ${formatQuantity(f.p90Peak, f.unit)} at the high end).`;
}

function fieldsOf(facts: IncidentFacts, top: SeriesFact): NotificationField[] {
  const label = signalLabel(top.signal);
  const normal = top.normal !== undefined ? `${formatQuantity(top.normal, top.unit)} → ` : '';
  const ratio = top.ratio !== undefined ? ` (${formatRatio(top.ratio)})` : '';
  const fields: NotificationField[] = [
    { label: 'Severity', value: capitalise(facts.severity) },
    { label: 'Started', value: formatTimeUtc(facts.startedMs) },
    // "P95 latency: 180 ms → 760 ms (4.2×)": the normal, then the worst point.
    { label: capitalise(label), value: `${normal}${formatQuantity(top.peak, top.unit)}${ratio}` },
  ];
  const scope = [
    facts.endpointCount > 0 ? plural(facts.endpointCount, 'endpoint') : undefined,
    facts.serviceCount > 0 ? plural(facts.serviceCount, 'service') : undefined,
    facts.providerCount > 1 ? plural(facts.providerCount, 'provider') : undefined,
  ].filter(Boolean);
  if (scope.length > 0) fields.push({ label: 'Scope', value: scope.join(', ') });
  fields.push({
    label: facts.status === 'resolved' ? 'Lasted' : 'Duration',
    value: formatMinutes(facts.durationMinutes),
  });
  if (facts.resolvedMs !== undefined)
    fields.push({ label: 'Resolved', value: formatTimeUtc(facts.resolvedMs) });
  if (facts.actions.length > 0) {
    const outcomes = [...new Set(rankActions(facts.actions).map((a) => a.outcome.replace('_', ' ')))];
    fields.push({ label: 'Headroom actions', value: outcomes.join(', ') });
  }
  return fields;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
