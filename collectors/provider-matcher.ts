/** Most hosts remembered by one matcher; beyond it the cache starts over (bounded memory). */
const CACHE_LIMIT = 10_000;

/**
 * Maps host names to provider names with configured patterns (`{ stripe: ['api.stripe.com'] }`),
 * first match in configuration order wins. Patterns are globs (`*` matches any run of
 * characters, dots included) or regular expressions between slashes; matching ignores case.
 * Results are cached per host, since the same few hosts repeat in every request.
 */
export class ProviderMatcher {
  private readonly rules: { provider: string; test: RegExp }[] = [];
  private readonly cache = new Map<string, string | null>();

  constructor(providers: Readonly<Record<string, readonly string[]>>) {
    for (const [provider, patterns] of Object.entries(providers)) {
      for (const pattern of patterns) this.rules.push({ provider, test: compilePattern(pattern) });
    }
  }

  /** The provider for `host`, or undefined when no pattern matches. */
  match(host: string): string | undefined {
    let hit = this.cache.get(host);
    if (hit === undefined) {
      hit = null;
      for (const rule of this.rules) {
        if (rule.test.test(host)) {
          hit = rule.provider;
          break;
        }
      }
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(host, hit);
    }
    return hit ?? undefined;
  }
}

/** A glob or `/regex/` as an anchored, case-insensitive RegExp. */
export function compilePattern(pattern: string): RegExp {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    return new RegExp(pattern.slice(1, -1), 'i');
  }
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}
