import { SerializedJson } from './serialized-json.js';

/** Total size of the bodies one cache keeps (UTF-16 code units). */
const DEFAULT_MAX_CHARS = 8_000_000;

/**
 * Serialised responses of a read-only route whose answer depends only on the query and on data
 * that changes rarely (the latest forecasts change once per forecast run): kept per query key
 * until the data's `revision` changes, the oldest dropped first past `maxChars`.
 */
export class ResponseCache {
  private revision: number | undefined;
  private readonly bodies = new Map<string, SerializedJson>();
  private chars = 0;

  constructor(private readonly maxChars = DEFAULT_MAX_CHARS) {}

  /** The body for `key` at `revision`, built (and kept) when not cached. */
  get(revision: number, key: string, build: () => unknown): SerializedJson {
    if (revision !== this.revision) {
      this.bodies.clear();
      this.chars = 0;
      this.revision = revision;
    }
    const cached = this.bodies.get(key);
    if (cached) return cached;
    const body = new SerializedJson(build());
    if (body.text.length <= this.maxChars) {
      this.bodies.set(key, body);
      this.chars += body.text.length;
      for (const [oldKey, old] of this.bodies) {
        if (this.chars <= this.maxChars) break;
        this.bodies.delete(oldKey);
        this.chars -= old.text.length;
      }
    }
    return body;
  }

  get size(): number {
    return this.bodies.size;
  }
}
