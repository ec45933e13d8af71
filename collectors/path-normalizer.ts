const CACHE_LIMIT = 10_000;
const MAX_SEGMENTS = 8;

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const NUMBER = /^[+-]?\d+(\.\d+)?$/;
const HEX = /^(0x)?[0-9a-f]{8,}$/i;
/** Opaque tokens: long and mixing letters with digits (Stripe ids `ch_3Mtw...`, base64, ULIDs). */
const TOKEN = /^[A-Za-z0-9_~.=-]{16,}$/;
const HAS_DIGIT = /\d/;
/** Three digits in a row mark an id (`ch_1000`, `order-20240105`) but not `v1`, `oauth2`, `ipv4`. */
const DIGIT_RUN = /\d{3}/;
const EMAIL = /^[^@/]+@[^@/]+$/;

/**
 * Turns a raw URL path into an endpoint template when instrumentation gave none
 * (`url.template` / `http.route`): segments that look like identifiers become `{id}`
 * (numbers, UUIDs, hex hashes, e-mail addresses, three digits in a row, long tokens mixing
 * letters and digits: `/v1/charges/ch_3MtwBw2eZvKYlo2C` → `/v1/charges/{id}`), the query is
 * dropped, and paths are cut after 8 segments (`/...`). A heuristic: a name-like id
 * (`/users/alice`) survives, which the per-tag cardinality cap then bounds.
 */
export class PathNormalizer {
  private readonly cache = new Map<string, string>();

  normalize(path: string): string {
    let hit = this.cache.get(path);
    if (hit === undefined) {
      hit = normalizePath(path);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(path, hit);
    }
    return hit;
  }
}

export function normalizePath(path: string): string {
  const q = path.search(/[?#]/);
  const bare = q >= 0 ? path.slice(0, q) : path;
  const segments = bare.split('/');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    if (out.length > MAX_SEGMENTS) {
      out.push('...');
      break;
    }
    const s = segments[i]!;
    if (s === '' && i > 0 && i < segments.length - 1) continue;
    out.push(isIdLike(s) ? '{id}' : s);
  }
  const joined = out.join('/');
  return joined.startsWith('/') ? joined : `/${joined}`;
}

function isIdLike(segment: string): boolean {
  if (segment === '') return false;
  let s = segment;
  try {
    if (s.includes('%')) s = decodeURIComponent(s);
  } catch {
    return true;
  }
  return (
    NUMBER.test(s) ||
    UUID.test(s) ||
    (HEX.test(s) && HAS_DIGIT.test(s)) ||
    (TOKEN.test(s) && HAS_DIGIT.test(s)) ||
    DIGIT_RUN.test(s) ||
    EMAIL.test(s)
  );
}
