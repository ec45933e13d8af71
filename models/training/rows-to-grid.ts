import { HeadroomError } from '../../core/errors.js';
import type { RegularSeries } from '../../core/time-series.js';

/** Rows placed on a regular grid: `cellOfRow[j]` is the grid index of data row j. */
export interface RowGrid {
  readonly series: RegularSeries;
  readonly cellOfRow: Int32Array;
  /** Grid cells with no row (gaps, NaN in `series`). */
  readonly gapCells: number;
}

/**
 * Puts sorted rows on a regular grid whose step is the median spacing of the rows (robust to a
 * few gaps). Each row goes to the nearest cell; cells without a row are gaps (NaN, later filled by
 * the model, see models/forecasters/fill-gaps.ts). Two rows landing in one cell means the spacing
 * is irregular below the step: that is rejected rather than summed or dropped, because every row
 * must keep its own forecast. Keeping one row per cell also keeps the backtest causal: the grid
 * up to a row's cell holds exactly the rows up to it.
 */
export function rowsToGrid(timestampsMs: Float64Array, values: Float64Array): RowGrid {
  const n = timestampsMs.length;
  if (n === 0) throw new HeadroomError('no_rows', 'no rows');
  let stepMs = 60_000;
  if (n >= 2) {
    const diffs = new Float64Array(Math.min(n - 1, 20_000));
    for (let i = 0; i < diffs.length; i++)
      diffs[i] = (timestampsMs[i + 1] as number) - (timestampsMs[i] as number);
    diffs.sort();
    stepMs = diffs[Math.floor(diffs.length / 2)] as number;
  }
  if (!(stepMs > 0)) throw new HeadroomError('bad_step', 'cannot infer the step between rows');
  const t0 = timestampsMs[0] as number;
  const cellOfRow = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const c = Math.round(((timestampsMs[j] as number) - t0) / stepMs);
    if (j > 0 && c <= (cellOfRow[j - 1] as number)) {
      throw new HeadroomError(
        'irregular_rows',
        `row ${j} is closer than the inferred step (${stepMs / 1000} s) to the previous row; resample the file to a regular step first`,
      );
    }
    cellOfRow[j] = c;
  }
  const cells = (cellOfRow[n - 1] as number) + 1;
  if (cells > 20 * n + 1000) {
    throw new HeadroomError(
      'sparse_rows',
      `rows span ${cells} steps of ${stepMs / 1000} s but there are only ${n} rows`,
    );
  }
  const out = new Float64Array(cells).fill(Number.NaN);
  for (let j = 0; j < n; j++) out[cellOfRow[j] as number] = values[j] as number;
  return { series: { startMs: t0, stepMs, values: out }, cellOfRow, gapCells: cells - n };
}
