import type { Notification } from '../../core/notifier.js';

/**
 * Block Kit rendering shared by both Slack notifiers, within Slack's documented limits:
 * at most 50 blocks per message, section text at most 3,000 characters, header text (plain
 * text) at most 150, at most 10 section fields of at most 2,000 each, at most 10 context
 * elements, block_id at most 255. Longer text is cut at a safe point (never inside an escape
 * sequence or a surrogate pair) and marked with "…". A plain-text `text` fallback is always set
 * (notifications and clients without blocks show it).
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3_000,
  headerText: 150,
  fields: 10,
  fieldText: 2_000,
  contextElements: 10,
  blockId: 255,
  fallbackText: 3_000,
} as const;

export type SlackTextObject =
  { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };

export type SlackBlock =
  | { type: 'header'; block_id: string; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; block_id: string; text?: SlackTextObject; fields?: SlackTextObject[] }
  | { type: 'context'; block_id: string; elements: SlackTextObject[] }
  | { type: 'divider'; block_id: string };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const EMOJI: Record<Notification['severity'], string> = { critical: '🔴', warning: '🟠', info: '🔵' };
const PREFIX: Record<Notification['event'], string> = {
  opened: '',
  updated: 'Update: ',
  reminder: 'Still open: ',
  resolved: 'Resolved: ',
};

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Cuts `text` to at most `max` characters (UTF-16 units, as Slack counts), ending with "…",
 * without splitting a surrogate pair or an `&amp;`-style escape, and without leaving a code
 * span open.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, safeCut(text, max - 1));
  if ((cut.match(/`/g)?.length ?? 0) % 2 === 1) cut = cut.slice(0, cut.lastIndexOf('`'));
  return `${cut.trimEnd()}…`;
}

/** The largest index <= `end` that does not split a surrogate pair or an escape sequence. */
function safeCut(text: string, end: number): number {
  let at = end;
  const code = text.charCodeAt(at - 1);
  if (code >= 0xd800 && code <= 0xdbff) at -= 1;
  const amp = text.lastIndexOf('&', at - 1);
  if (amp >= 0 && amp >= at - 5 && text.indexOf(';', amp) >= at) at = amp;
  return at;
}

/** Splits text into chunks of at most `max` characters, at sentence or else word boundaries. */
export function chunk(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let at = window.lastIndexOf('. ') + 1;
    if (at < max / 2) at = window.lastIndexOf(' ');
    if (at <= 0) at = safeCut(rest, max);
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

/** Header line: severity (or resolved) mark, event prefix, title. */
export function headerText(n: Notification, event: Notification['event'] = n.event): string {
  const mark = n.status === 'resolved' ? '✅' : EMOJI[n.severity];
  return truncate(`${mark} ${PREFIX[event]}${n.title}`, SLACK_LIMITS.headerText);
}

/**
 * The Block Kit message for a notification: header, summary section(s), key figures as
 * fields, a context line with the dashboard link and the incident id. `asEvent` renders as
 * another event (the thread parent is re-rendered as the incident's current state).
 */
export function slackMessage(n: Notification, asEvent: Notification['event'] = n.event): SlackMessage {
  const id = blockIdBase(n);
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      block_id: `${id}:h`,
      text: { type: 'plain_text', text: headerText(n, asEvent), emoji: true },
    },
  ];
  const fieldBlock: SlackBlock | undefined =
    n.fields.length > 0
      ? {
          type: 'section',
          block_id: `${id}:f`,
          fields: n.fields.slice(0, SLACK_LIMITS.fields).map((f) => ({
            type: 'mrkdwn' as const,
            text: truncate(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, SLACK_LIMITS.fieldText),
          })),
        }
      : undefined;
  const context: SlackBlock = {
    type: 'context',
    block_id: `${id}:c`,
    elements: [
      ...n.links.slice(0, SLACK_LIMITS.contextElements - 1).map((l) => ({
        type: 'mrkdwn' as const,
        text: truncate(
          `<${encodeURI(l.url).replaceAll('|', '%7C')}|${escapeMrkdwn(l.label)}>`,
          SLACK_LIMITS.sectionText,
        ),
      })),
      {
        type: 'mrkdwn',
        text: truncate(
          `Incident \`${escapeMrkdwn(n.incidentId)}\` · message ${n.sequence}`,
          SLACK_LIMITS.sectionText,
        ),
      },
    ],
  };
  const reserved = 1 + (fieldBlock ? 1 : 0) + 1;
  const sections = chunk(escapeMrkdwn(n.summary), SLACK_LIMITS.sectionText);
  const room = SLACK_LIMITS.blocks - reserved;
  const kept =
    sections.length > room
      ? [
          ...sections.slice(0, room - 1),
          truncate(sections.slice(room - 1).join(' '), SLACK_LIMITS.sectionText),
        ]
      : sections;
  kept.forEach((text, i) =>
    blocks.push({ type: 'section', block_id: `${id}:s${i}`, text: { type: 'mrkdwn', text } }),
  );
  if (fieldBlock) blocks.push(fieldBlock);
  blocks.push(context);
  return { text: fallbackText(n, asEvent), blocks };
}

/** The plain-text fallback: header and summary, bounded. */
export function fallbackText(n: Notification, asEvent: Notification['event'] = n.event): string {
  return truncate(`${headerText(n, asEvent)}\n${n.summary}`, SLACK_LIMITS.fallbackText);
}

/** A message carrying only text (when Slack refused the blocks). */
export function textOnlyMessage(n: Notification): { text: string } {
  return { text: fallbackText(n) };
}

/**
 * block_id prefix: the notification id (idempotency key) so a receiver, or a test double, can
 * recognise a re-delivered message. Slack wants block ids unique per message and per revision.
 */
export function blockIdBase(n: Notification): string {
  return `hr:${n.id}`.slice(0, SLACK_LIMITS.blockId - 4);
}
