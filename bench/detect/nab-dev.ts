import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nabWarmupPoints } from '../../models/detectors/score-series.js';
import { parseNabCsv, parseNabTimestamp, type NabRow } from '../../models/detectors/nab-csv.js';

/** One file of the NAB development set with its label windows as inclusive row ranges. */
export interface NabFile {
  /** `<category>/<file>.csv`, the key of the label files. */
  readonly rel: string;
  readonly category: string;
  readonly rows: readonly NabRow[];
  readonly timeMs: Float64Array;
  readonly values: Float64Array;
  readonly windows: ReadonlyArray<readonly [number, number]>;
  /** Rows NAB ignores at the start: min(floor(0.15 n), 750). */
  readonly probation: number;
  /** The CSV text, for measuring parse speed. */
  readonly text: string;
}

/** Loads every labelled file of `<root>/data` (root = shared/data/nab-dev), sorted by name. */
export function loadNabDev(root: string): NabFile[] {
  const labels = JSON.parse(readFileSync(join(root, 'labels', 'combined_windows.json'), 'utf8')) as Record<
    string,
    Array<[string, string]>
  >;
  return Object.keys(labels)
    .sort()
    .map((rel) => {
      const text = readFileSync(join(root, 'data', rel), 'utf8');
      const rows = parseNabCsv(text);
      const firstRow = new Map<number, number>();
      rows.forEach((r, i) => {
        if (!firstRow.has(r.timeMs)) firstRow.set(r.timeMs, i);
      });
      const windows = (labels[rel] ?? []).map(([a, b]) => {
        const ia = firstRow.get(parseNabTimestamp(a));
        const ib = firstRow.get(parseNabTimestamp(b));
        if (ia === undefined || ib === undefined) throw new Error(`${rel}: window ${a}..${b} not in data`);
        return [ia, ib] as const;
      });
      return {
        rel,
        category: rel.split('/')[0] as string,
        rows,
        timeMs: Float64Array.from(rows, (r) => r.timeMs),
        values: Float64Array.from(rows, (r) => r.value),
        windows,
        probation: nabWarmupPoints(rows.length),
        text,
      };
    });
}
