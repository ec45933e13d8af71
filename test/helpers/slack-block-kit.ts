/**
 * Slack's documented checks of a message (docs.slack.dev/reference/block-kit/blocks,
 * chat.postMessage): `text` or `blocks` present; `text` at most 40,000 characters; at most 50
 * blocks; block_id at most 255 and unique; header: plain_text at most 150; section: text at
 * most 3,000 or fields (at most 10, each at most 2,000); context: 1 to 10 elements; actions: at
 * most 25 elements; text objects `plain_text` or `mrkdwn` with non-empty text. Returns Slack's
 * error code, or undefined when valid. Used by the fake Slack (fake-slack.ts).
 */
const TEXT_LIMIT = 40_000;

/** Slack's checks of a message: text or blocks present, text length, Block Kit limits. */
export function validateMessage(args: Record<string, unknown>): string | undefined {
  const text = args.text;
  if (text !== undefined && typeof text !== 'string') return 'invalid_arguments';
  if (typeof text === 'string' && text.length > TEXT_LIMIT) return 'msg_too_long';
  if (args.blocks === undefined) return text ? undefined : 'no_text';
  return validateBlocks(args.blocks);
}

export function validateBlocks(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks) || blocks.length > 50) return 'invalid_blocks';
  const ids = new Set<string>();
  for (const block of blocks as Record<string, unknown>[]) {
    if (!block || typeof block !== 'object') return 'invalid_blocks';
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length === 0 || block.block_id.length > 255)
        return 'invalid_blocks';
      if (ids.has(block.block_id)) return 'invalid_blocks';
      ids.add(block.block_id);
    }
    if (!validBlock(block)) return 'invalid_blocks';
  }
  return undefined;
}

function validBlock(block: Record<string, unknown>): boolean {
  const keys = (allowed: string[]): boolean => Object.keys(block).every((k) => allowed.includes(k));
  switch (block.type) {
    case 'header':
      return keys(['type', 'block_id', 'text']) && textObject(block.text, 150, 'plain_text');
    case 'section': {
      if (!keys(['type', 'block_id', 'text', 'fields', 'accessory', 'expand'])) return false;
      if (block.text === undefined && block.fields === undefined) return false;
      if (block.text !== undefined && !textObject(block.text, 3_000)) return false;
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length === 0 || block.fields.length > 10)
          return false;
        if (!block.fields.every((f) => textObject(f, 2_000))) return false;
      }
      return true;
    }
    case 'context':
      return (
        keys(['type', 'block_id', 'elements']) &&
        Array.isArray(block.elements) &&
        block.elements.length >= 1 &&
        block.elements.length <= 10 &&
        block.elements.every((e) => textObject(e, 3_000) || (e as { type?: string }).type === 'image')
      );
    case 'divider':
      return keys(['type', 'block_id']);
    case 'actions':
      return (
        keys(['type', 'block_id', 'elements']) &&
        Array.isArray(block.elements) &&
        block.elements.length >= 1 &&
        block.elements.length <= 25
      );
    default:
      return false;
  }
}

function textObject(value: unknown, max: number, only?: 'plain_text'): boolean {
  const t = value as { type?: unknown; text?: unknown; emoji?: unknown; verbatim?: unknown };
  if (!t || typeof t !== 'object') return false;
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn') return false;
  if (only && t.type !== only) return false;
  if (typeof t.text !== 'string' || t.text.length === 0 || t.text.length > max) return false;
  if (t.type === 'plain_text' && t.verbatim !== undefined) return false;
  if (t.type === 'mrkdwn' && t.emoji !== undefined) return false;
  return Object.keys(t).every((k) => ['type', 'text', 'emoji', 'verbatim'].includes(k));
}
