/** One line of narration, derived from what the API returned. */
export interface NarrationEvent {
  kind: 'anomaly' | 'incident_opened' | 'incident_resolved' | 'decision';
  timeMs: number;
  text: string;
}

interface ApiAnomaly {
  id: string;
  timeMs: number;
  tags: Record<string, string>;
  signal: string;
  score: number;
  explanation?: string;
}

interface ApiIncident {
  id: string;
  status: string;
  severity: string;
  title: string;
  startedMs: number;
  resolvedMs?: number;
}

interface ApiDecision {
  id: string;
  timeMs: number;
  policy: string;
  subject: Record<string, string>;
  desired: unknown;
  outcome: string;
  reasons: string[];
}

/** Anomalies on one series are narrated at most this often. */
const ANOMALY_REPEAT_MS = 30_000;

/**
 * Narrates the demo from the real API only: polls `/api/v1/anomalies`, `/incidents` and
 * `/decisions` and reports what is new (first anomaly per series and signal, incidents opening
 * and resolving, every change of a policy's desired state). It never prints what a script says
 * should happen: if Headroom does not detect or decide something, the narration does not
 * mention it.
 */
export class Narrator {
  readonly events: NarrationEvent[] = [];
  private readonly anomalySeen = new Map<string, number>();
  private readonly anomalyIds = new Set<string>();
  private readonly incidentStatus = new Map<string, string>();
  private readonly desired = new Map<string, string>();
  private readonly decisionIds = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly options: {
      apiUrl: string;
      /** Only what happened from here on is narrated. */
      sinceMs: number;
      emit: (event: NarrationEvent) => void;
      pollMs?: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.polling ??= this.poll()
        .catch(() => undefined)
        .finally(() => {
          this.polling = undefined;
        });
    }, this.options.pollMs ?? 1_000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** One poll of the three endpoints; public so tests and the final summary can force one. */
  async poll(): Promise<void> {
    const since = this.options.sinceMs;
    const [anomalies, incidents, decisions] = await Promise.all([
      this.get<{ anomalies: ApiAnomaly[] }>(`/api/v1/anomalies?from=${since}&limit=500`),
      this.get<{ incidents: ApiIncident[] }>(`/api/v1/incidents?from=${since - 60_000}&limit=100`),
      this.get<{ decisions: ApiDecision[] }>(`/api/v1/decisions?from=${since}&order=asc&limit=1000`),
    ]);
    for (const a of [...anomalies.anomalies].sort((x, y) => x.timeMs - y.timeMs)) this.onAnomaly(a);
    for (const i of [...incidents.incidents].sort((x, y) => x.startedMs - y.startedMs)) this.onIncident(i);
    for (const d of decisions.decisions) this.onDecision(d);
  }

  private onAnomaly(a: ApiAnomaly): void {
    if (this.anomalyIds.has(a.id)) return;
    this.anomalyIds.add(a.id);
    const { signal: _signal, ...seriesTags } = a.tags;
    const key = `${a.signal}|${JSON.stringify(seriesTags)}`;
    const last = this.anomalySeen.get(key);
    if (last !== undefined && a.timeMs - last < ANOMALY_REPEAT_MS) return;
    this.anomalySeen.set(key, a.timeMs);
    const where = Object.values(seriesTags).join(' ');
    this.emit(
      'anomaly',
      a.timeMs,
      `anomaly  ${where}: ${a.explanation ?? a.signal} (score ${a.score.toFixed(2)})`,
    );
  }

  private onIncident(i: ApiIncident): void {
    const before = this.incidentStatus.get(i.id);
    if (before === i.status) return;
    this.incidentStatus.set(i.id, i.status);
    if (before === undefined && i.status !== 'resolved') {
      this.emit('incident_opened', i.startedMs, `incident opened [${i.severity}]: ${i.title}`);
    } else if (i.status === 'resolved') {
      const lasted =
        i.resolvedMs !== undefined ? ` after ${Math.round((i.resolvedMs - i.startedMs) / 1000)} s` : '';
      this.emit('incident_resolved', i.resolvedMs ?? Date.now(), `incident resolved${lasted}: ${i.title}`);
    }
  }

  private onDecision(d: ApiDecision): void {
    if (this.decisionIds.has(d.id)) return;
    this.decisionIds.add(d.id);
    const key = `${d.policy}|${JSON.stringify(d.subject)}`;
    const desired = describeDesired(d.desired);
    if (this.desired.get(key) === desired) return;
    const first = this.desired.get(key) === undefined;
    this.desired.set(key, desired);
    const subject = Object.values(d.subject).join(' ');
    // The first reason restates the desired state; the next ones say why.
    const why = d.reasons.slice(1, 3).join('; ') || d.reasons[0];
    const reason = why ? ` (${why})` : '';
    this.emit(
      'decision',
      d.timeMs,
      `${first ? 'initial ' : ''}${d.policy} ${subject} → ${desired} [${d.outcome.replace('_', '-')}]${reason}`,
    );
  }

  private emit(kind: NarrationEvent['kind'], timeMs: number, text: string): void {
    const event = { kind, timeMs, text };
    this.events.push(event);
    this.options.emit(event);
  }

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.options.apiUrl}${path}`, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }
}

/** A desired state in a few words: replicas, TTL or routing weights. */
export function describeDesired(desired: unknown): string {
  const d = desired as Record<string, unknown> | null;
  if (d && typeof d.replicas === 'number') return `${d.replicas} replicas`;
  if (d && typeof d.ttlSeconds === 'number') {
    return `TTL ${d.ttlSeconds} s${d.staleOnError ? ', stale-on-error' : ''}`;
  }
  if (d && d.weights && typeof d.weights === 'object') {
    const weights = Object.entries(d.weights as Record<string, number>)
      .map(([name, w]) => `${name} ${w}%`)
      .join(' / ');
    const down = Array.isArray(d.down) && d.down.length > 0 ? `, ejected: ${d.down.join(', ')}` : '';
    return `${weights}${down}`;
  }
  return JSON.stringify(desired);
}
