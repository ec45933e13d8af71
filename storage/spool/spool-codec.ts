import { promisify } from 'node:util';
import { crc32, deflateRaw as deflateRawCallback, inflateRawSync } from 'node:zlib';
import type { RecordKind } from '../../core/records/index.js';
import type { RollupPoint } from '../../core/rollup.js';
import type { StoredRecord } from '../../core/store.js';

const deflateRaw = promisify(deflateRawCallback);

/** What the spool keeps: every kind of store write, in the order they were accepted. */
export type SpoolEntry =
  | { readonly type: 'points'; readonly points: readonly RollupPoint[] }
  | { readonly type: 'records'; readonly records: readonly StoredRecord[] }
  | { readonly type: 'delete'; readonly kind: RecordKind; readonly ids: readonly string[] };

/**
 * On disk an entry is a frame: payload length (u32 LE), CRC-32 of format + payload (u32 LE),
 * format (u8), payload. Format 1 is raw-deflated JSON: rollup JSON compresses ~8x, which is the
 * difference between an hour and a day of outage in the same spool. A frame that is cut short or
 * fails its CRC (a crash mid-append) ends the readable part of a segment.
 */
export const FRAME_HEADER_BYTES = 9;
const FORMAT_DEFLATE_JSON = 1;
/** Larger frames are refused when read back: a corrupt length must not allocate gigabytes. */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export async function encodeFrame(entry: SpoolEntry): Promise<Buffer> {
  const payload = await deflateRaw(Buffer.from(JSON.stringify(entry), 'utf8'), { level: 1 });
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32LE(payload.length, 0);
  frame.writeUInt8(FORMAT_DEFLATE_JSON, 8);
  payload.copy(frame, FRAME_HEADER_BYTES);
  frame.writeUInt32LE(crc32(frame.subarray(8)), 4);
  return frame;
}

export type FrameCheck =
  | { readonly kind: 'frame'; readonly bytes: number }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'corrupt'; readonly why: string };

/** Checks the frame starting at `at` in `buf` without decoding it. */
export function checkFrame(buf: Buffer, at: number): FrameCheck {
  if (buf.length - at < FRAME_HEADER_BYTES) return { kind: 'incomplete' };
  const length = buf.readUInt32LE(at);
  if (length > MAX_FRAME_BYTES) return { kind: 'corrupt', why: `frame length ${length} is implausible` };
  if (buf.length - at < FRAME_HEADER_BYTES + length) return { kind: 'incomplete' };
  const crc = buf.readUInt32LE(at + 4);
  if (crc32(buf.subarray(at + 8, at + FRAME_HEADER_BYTES + length)) !== crc) {
    return { kind: 'corrupt', why: 'checksum mismatch' };
  }
  if (buf.readUInt8(at + 8) !== FORMAT_DEFLATE_JSON) return { kind: 'corrupt', why: 'unknown format' };
  return { kind: 'frame', bytes: FRAME_HEADER_BYTES + length };
}

/** Decodes a frame that checkFrame accepted. */
export function decodeFrame(buf: Buffer, at: number, bytes: number): SpoolEntry {
  const payload = buf.subarray(at + FRAME_HEADER_BYTES, at + bytes);
  return JSON.parse(inflateRawSync(payload).toString('utf8')) as SpoolEntry;
}
