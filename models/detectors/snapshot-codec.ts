import { HeadroomError } from '../../core/errors.js';
import type { DetectorSnapshot } from '../../core/detector.js';

/**
 * JSON has no NaN or ±Infinity, and detector state holds both (an empty envelope is
 * [+Inf, -Inf], an unset mean is NaN). They are written as strings so that
 * `restore(JSON.parse(JSON.stringify(snapshot())))` is exact; finite doubles already
 * round-trip through JSON text exactly.
 */
export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function encodeNumber(x: number): EncodedNumber {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(x: unknown, field: string): number {
  if (typeof x === 'number') return x;
  if (x === 'NaN') return Number.NaN;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  throw snapshotError(`field ${field} is not a number`);
}

export function encodeArray(xs: ArrayLike<number>): EncodedNumber[] {
  return Array.from(xs, encodeNumber);
}

export function decodeArray(x: unknown, field: string, length?: number): Float64Array {
  if (!Array.isArray(x)) throw snapshotError(`field ${field} is not an array`);
  if (length !== undefined && x.length !== length) {
    throw snapshotError(`field ${field} has ${x.length} entries, expected ${length}`);
  }
  return Float64Array.from(x, (v: unknown, i) => decodeNumber(v, `${field}[${i}]`));
}

export function snapshotError(message: string): HeadroomError {
  return new HeadroomError('detector_snapshot_invalid', `cannot restore detector state: ${message}`);
}

/** Checks that a snapshot was written by the same detector kind and state version. */
export function checkSnapshotHeader(snapshot: DetectorSnapshot, detectorId: string, version: number): void {
  if (snapshot.detectorId !== detectorId) {
    throw snapshotError(`snapshot is from detector "${snapshot.detectorId}", not "${detectorId}"`);
  }
  if (snapshot.version !== version) {
    throw snapshotError(`snapshot version ${snapshot.version} is not the supported version ${version}`);
  }
}

/** Reads a required field of a snapshot object. */
export function field(snapshot: Record<string, unknown>, name: string): unknown {
  if (!(name in snapshot)) throw snapshotError(`field ${name} is missing`);
  return snapshot[name];
}
