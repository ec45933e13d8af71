/** One statement's result from InfluxDB 1.x `/query` (epoch=ms). */
export interface QueryResult {
  error?: string;
  series?: { name?: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[];
}

/**
 * Runs one InfluxQL statement over HTTP as Grafana's datasource does (form-encoded `q`, `db`,
 * `epoch=ms`), without node-influx in between, so what is tested is exactly the text sent.
 */
export async function influxQuery(url: string, database: string, q: string): Promise<QueryResult> {
  const res = await fetch(`${url}/query`, {
    method: 'POST',
    body: new URLSearchParams({ db: database, q, epoch: 'ms' }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let body: { results?: QueryResult[]; error?: string };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { error: `HTTP ${res.status}: ${text.slice(0, 300)}` };
  }
  if (body.error) return { error: body.error };
  if (!res.ok) return { error: `HTTP ${res.status}` };
  const results = body.results ?? [];
  if (results.length !== 1) return { error: `expected one result, got ${results.length}` };
  return results[0] ?? {};
}

/** Rows with at least one non-null value besides `time`: what a panel would draw. */
export function rowsWithData(result: QueryResult): number {
  let n = 0;
  for (const series of result.series ?? []) {
    const valueColumns = series.columns.map((c, i) => (c === 'time' ? -1 : i)).filter((i) => i >= 0);
    for (const row of series.values)
      if (valueColumns.some((i) => row[i] !== null && row[i] !== undefined)) n++;
  }
  return n;
}

/** `{ tagValue → { timeMs → value } }` for one column of a GROUP BY `tag` result. */
export function seriesByTag(
  result: QueryResult,
  tag: string,
  column: string,
): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const series of result.series ?? []) {
    const t = series.columns.indexOf('time');
    const c = series.columns.indexOf(column);
    if (t < 0 || c < 0) throw new Error(`no time or ${column} column in ${series.columns.join(',')}`);
    const points = new Map<number, number>();
    for (const row of series.values) {
      const v = row[c];
      if (typeof v === 'number') points.set(row[t] as number, v);
    }
    out.set(series.tags?.[tag] ?? '', points);
  }
  return out;
}

/** Values of one column across all series (e.g. every `_body`). */
export function columnValues(result: QueryResult, column: string): unknown[] {
  return (result.series ?? []).flatMap((s) => {
    const i = s.columns.indexOf(column);
    return i < 0 ? [] : s.values.map((row) => row[i]);
  });
}
