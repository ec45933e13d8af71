import type { Tags } from '../../core/tags.js';

export interface Group {
  /** "provider=stripe" (keys in configured order); "(ungrouped)" when no key set applies. */
  readonly key: string;
  readonly tags: Tags;
}

/**
 * The incident group of a series: the first configured key set whose keys the tags all carry
 * (default `[["provider"], ["service"]]`: by provider, else by service).
 */
export function groupFor(tags: Tags, groupBy: readonly (readonly string[])[]): Group {
  for (const keys of groupBy) {
    if (keys.every((k) => tags[k] !== undefined && tags[k] !== '')) {
      const groupTags: Record<string, string> = {};
      for (const k of keys) groupTags[k] = tags[k]!;
      return { key: keys.map((k) => `${k}=${tags[k]}`).join(','), tags: groupTags };
    }
  }
  return { key: '(ungrouped)', tags: {} };
}

/** A readable, stable incident id: "stripe-20260105-1405-x7k2" (group, start, hash). */
export function incidentId(group: Group, startedMs: number): string {
  const slug =
    Object.values(group.tags)
      .join('-')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'incident';
  const iso = new Date(startedMs).toISOString();
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 16).replace(':', '')}`;
  return `${slug}-${stamp}-${hash(`${group.key}|${startedMs}`)}`;
}

/** FNV-1a, base 36, 4 characters: disambiguates slugs that collide. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).padStart(4, '0').slice(-4);
}
