import type { SparseHistogram } from '../../core/histogram.js';

const ENTRY_BYTES = 9;

/**
 * A sparse histogram as a compact blob: per non-empty bucket one byte of index (0..255) and a
 * float64 count, little-endian. ~5x smaller and ~10x faster to read than JSON for 10 buckets.
 */
export function encodeHistogram(h: SparseHistogram): Buffer {
  const keys = Object.keys(h);
  const buf = Buffer.allocUnsafe(keys.length * ENTRY_BYTES);
  let at = 0;
  for (const key of keys) {
    const i = Number(key);
    buf.writeUInt8(i, at);
    buf.writeDoubleLE(h[i] ?? 0, at + 1);
    at += ENTRY_BYTES;
  }
  return buf;
}

/** Adds the buckets of an encoded histogram into `into` (in place). */
export function addEncodedHistogram(into: SparseHistogram, blob: Uint8Array): void {
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let at = 0; at + ENTRY_BYTES <= buf.length; at += ENTRY_BYTES) {
    const i = buf.readUInt8(at);
    into[i] = (into[i] ?? 0) + buf.readDoubleLE(at + 1);
  }
}

/**
 * `next` laid over `previous`: buckets in `next` win, buckets only in `previous` stay. This is
 * what InfluxDB does when a point is rewritten (the field sets merge), so both stores agree.
 */
export function overlayHistograms(previous: Uint8Array, next: Uint8Array): Buffer {
  const merged: SparseHistogram = {};
  addEncodedHistogram(merged, previous);
  const overlay: SparseHistogram = {};
  addEncodedHistogram(overlay, next);
  return encodeHistogram(Object.assign(merged, overlay));
}

/** Adds an encoded histogram into a dense accumulator (index → count), for SQL aggregation. */
export function addEncodedDense(into: Float64Array, blob: Uint8Array): void {
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let at = 0; at + ENTRY_BYTES <= buf.length; at += ENTRY_BYTES) {
    const i = buf[at] as number;
    into[i] = (into[i] as number) + buf.readDoubleLE(at + 1);
  }
}

/** Encodes the non-zero buckets of a dense accumulator. */
export function encodeDense(dense: Float64Array): Buffer {
  const h: SparseHistogram = {};
  for (let i = 0; i < dense.length; i++) if ((dense[i] as number) > 0) h[i] = dense[i] as number;
  return encodeHistogram(h);
}
