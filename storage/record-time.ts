/** Sub-millisecond slots a record's timestamp can take (InfluxDB keeps nanoseconds). */
export const RECORD_ID_SLOTS = 1_000_000;

/**
 * A stable slot in [0, 1e6) for a record id: FNV-1a (32 bit) modulo 1e6. InfluxStore adds it to
 * the record's time in nanoseconds so that each (kind, tags, id) is one point without making the
 * id a tag (which would add one series per record); EmbeddedStore orders by it too, so both
 * stores return records with equal timeMs in the same order.
 */
export function recordIdSlot(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % RECORD_ID_SLOTS;
}

/** The record's InfluxDB timestamp in nanoseconds, as a decimal string (beyond 2^53). */
export function recordTimeNs(timeMs: number, id: string): string {
  return (BigInt(timeMs) * 1_000_000n + BigInt(recordIdSlot(id))).toString();
}
