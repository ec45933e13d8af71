import type { CauseFact, SeriesFact } from '../incidents/facts.js';

/**
 * How far a series moved against its normal, for ranking: |ln(peak / normal)|. A series whose
 * normal is 0 (errors out of nowhere) counts as a 100× move; without a normal, its score does.
 */
export function moveStrength(series: SeriesFact): number {
  if (series.ratio !== undefined && series.ratio > 0) return Math.abs(Math.log(series.ratio));
  if (series.normal === 0 && series.peak > 0) return Math.log(100);
  return series.maxScore;
}

/** Series ordered by what matters most: the largest move against normal, then the score. */
export function rankSeries(series: readonly SeriesFact[]): SeriesFact[] {
  return [...series].sort(
    (a, b) => moveStrength(b) - moveStrength(a) || b.maxScore - a.maxScore || a.key.localeCompare(b.key),
  );
}

/**
 * The likely cause, from what moved first and where:
 * - `traffic`: request rate rose first (the load explains what followed);
 * - `provider`: one provider, several endpoints or services moved (the provider itself);
 * - `endpoint`: a single endpoint of a single provider (that endpoint);
 * - `service`: one service's calls to several providers moved together (the caller);
 * - `unknown` otherwise.
 */
export function inferCause(
  series: readonly SeriesFact[],
  breadth: { providers: readonly string[]; services: readonly string[]; endpointCount: number },
): CauseFact | undefined {
  if (series.length === 0) return undefined;
  const ranked = rankSeries(series);
  const rank = new Map(ranked.map((s, i) => [s.key, i]));
  const byOnset = [...series].sort((a, b) => a.firstMs - b.firstMs || rank.get(a.key)! - rank.get(b.key)!);
  const first = byOnset[0]!;
  const next = byOnset.find((s) => s.signal !== first.signal);
  const leadMinutes = next ? (next.firstMs - first.firstMs) / 60_000 : undefined;
  const calls = series.some((s) => s.measurement === 'api_calls');
  let kind: CauseFact['kind'] = 'unknown';
  if (first.signal === 'request_rate' && first.direction === 'up') kind = 'traffic';
  else if (
    calls &&
    breadth.providers.length === 1 &&
    (breadth.endpointCount >= 2 || breadth.services.length >= 2)
  )
    kind = 'provider';
  else if (calls && breadth.providers.length === 1 && breadth.endpointCount <= 1) kind = 'endpoint';
  else if (breadth.services.length === 1 && breadth.providers.length >= 2) kind = 'service';
  return { kind, firstKey: first.key, ...(leadMinutes !== undefined ? { leadMinutes } : {}) };
}
