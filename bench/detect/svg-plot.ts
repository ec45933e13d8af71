/** What to draw: one series, its label windows, its probation end and where the detector alerted. */
export interface SeriesPlot {
  readonly title: string;
  readonly values: ArrayLike<number>;
  /** Inclusive row ranges shaded as label windows. */
  readonly windows?: ReadonlyArray<readonly [number, number]>;
  /** Row where scoring starts (drawn as a dashed line). */
  readonly probation?: number;
  /** Optional anomaly score per row, drawn as a second line scaled to [0, 1]. */
  readonly scores?: ArrayLike<number>;
  /** Rows flagged as alerts, drawn as red dots on the series. */
  readonly alerts?: readonly number[];
  readonly widthPx?: number;
  readonly heightPx?: number;
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string,
  );
}

/**
 * Renders a series as a self-contained SVG string (no plotting library is needed where it is
 * shown: a notebook, a browser, an HTML report). Long series are min/max-decimated per pixel.
 */
export function svgPlot(plot: SeriesPlot): string {
  const width = plot.widthPx ?? 900;
  const height = plot.heightPx ?? 180;
  const pad = { left: 8, right: 8, top: 18, bottom: 6 };
  const n = plot.values.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = plot.values[i] as number;
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) lo = hi = 0;
  if (hi === lo) hi = lo + 1;
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const x = (i: number): number => pad.left + (n <= 1 ? 0 : (i / (n - 1)) * innerW);
  const y = (v: number): number => pad.top + (1 - (v - lo) / (hi - lo)) * innerH;
  const ys = (s: number): number => pad.top + (1 - Math.max(0, Math.min(1, s))) * innerH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  for (const [a, b] of plot.windows ?? []) {
    parts.push(
      `<rect x="${x(a).toFixed(1)}" y="${pad.top}" width="${Math.max(1, x(b) - x(a)).toFixed(1)}" height="${innerH}" fill="#fde68a" opacity="0.6"/>`,
    );
  }
  if (plot.probation !== undefined) {
    const px = x(plot.probation).toFixed(1);
    parts.push(
      `<line x1="${px}" x2="${px}" y1="${pad.top}" y2="${height - pad.bottom}" stroke="#999" stroke-dasharray="4 3"/>`,
    );
  }
  parts.push(polyline(plot.values, x, y, innerW, '#1f4e8c'));
  if (plot.scores) parts.push(polyline(plot.scores, x, ys, innerW, '#16a34a', 0.7));
  for (const i of plot.alerts ?? []) {
    const v = plot.values[i] as number;
    if (Number.isFinite(v))
      parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5" fill="#dc2626"/>`);
  }
  parts.push(`<text x="${pad.left}" y="12">${escapeXml(plot.title)}</text>`, '</svg>');
  return parts.join('');
}

/** Decimates to at most two points (min and max) per pixel column so big series stay small. */
function polyline(
  values: ArrayLike<number>,
  x: (i: number) => number,
  y: (v: number) => number,
  innerW: number,
  colour: string,
  opacity = 1,
): string {
  const n = values.length;
  const perPx = Math.max(1, Math.floor(n / innerW));
  const pts: string[] = [];
  for (let start = 0; start < n; start += perPx) {
    let iMin = -1;
    let iMax = -1;
    for (let i = start; i < Math.min(n, start + perPx); i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) continue;
      if (iMin < 0 || v < (values[iMin] as number)) iMin = i;
      if (iMax < 0 || v > (values[iMax] as number)) iMax = i;
    }
    for (const i of iMin <= iMax ? [iMin, iMax] : [iMax, iMin]) {
      if (i >= 0) pts.push(`${x(i).toFixed(1)},${y(values[i] as number).toFixed(1)}`);
    }
  }
  return `<polyline fill="none" stroke="${colour}" stroke-width="1" opacity="${opacity}" points="${pts.join(' ')}"/>`;
}
