/** Messages between the benchmark's orchestrator and its server / load-generator processes. */

export interface ServerOptions {
  payloadDir: string;
  store: 'embedded' | 'influx';
  influxUrl?: string;
  dataDir: string;
  decodeSeconds: number;
}

export type ServerCommand = { cmd: 'decode' } | { cmd: 'reset' } | { cmd: 'report' } | { cmd: 'stop' };

export interface Rate {
  spans: number;
  wallSeconds: number;
  cpuSeconds: number;
}

export interface DecodeReport extends Rate {
  /** Decode + TraceMapper + rollup in-process (no HTTP, no store), same payloads and core. */
  decodeAndRollup: Rate;
}

export interface ServerReport {
  /** Server CPU time (user + system, all its threads) since the last reset. */
  cpuSeconds: number;
  /** The kernel's share of cpuSeconds (socket reads, page faults, SQLite and spool I/O). */
  systemCpuSeconds: number;
  wallSeconds: number;
  rssBytes: number;
  heapUsedBytes: number;
  activeSeries: number;
  /** Sampled every 250 ms since the last reset: the most series held and the RSS then. */
  peakActiveSeries: number;
  rssAtPeakBytes: number;
  writtenPoints: number;
  pendingPoints: number;
  late: number;
  /** Points written per Sink.write since the last reset, with the time of each write. */
  writes: { atMs: number; points: number }[];
}

export type ServerMessage =
  | { type: 'ready'; url: string; idleRssBytes: number }
  | { type: 'decoded'; report: DecodeReport }
  | { type: 'reset' }
  | { type: 'report'; report: ServerReport }
  | { type: 'stopped'; report: ServerReport };

export interface LoadOptions {
  url: string;
  payloadDir: string;
  connections: number;
  durationSeconds: number;
}

export interface LoadReport {
  requests2xx: number;
  non2xx: number;
  errors: number;
  durationSeconds: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  statusCodes: Record<string, number>;
}
