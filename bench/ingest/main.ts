/**
 * End-to-end OTLP ingest benchmark: `npm run bench:ingest [-- --seconds 20 --warmup 5
 * --connections 16 --stores embedded,influx]`.
 *
 * A server process (pinned with taskset to CPU 0) runs the OTLP receiver → decode → rollup →
 * store (SQLite behind the spool, then InfluxDB when influxd runs here); a load generator
 * process (autocannon, pinned to CPU 1) replays pre-encoded ExportTraceServiceRequests of 500
 * CLIENT spans spread over 10,000 series. The server also measures the bare protobuf decode rate
 * of the same payloads on the same core. Rates are given per wall-clock second and per
 * server-CPU-second (the latter is what "one core" means on a shared machine).
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InfluxServer } from '../../test/helpers/influx-server.js';
import { tracePayload } from './payload.js';
import { SPANS_PER_REQUEST } from './payload-files.js';
import type {
  DecodeReport,
  LoadOptions,
  LoadReport,
  ServerMessage,
  ServerOptions,
  ServerReport,
} from './protocol.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    stores: { type: 'string', default: 'embedded,influx' },
    series: { type: 'string', default: '10000' },
    repeat: { type: 'string', default: '1' },
  },
});
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const SERIES = Number(values.series);
const REPEAT = Number(values.repeat);
const PAYLOADS = Math.ceil(SERIES / SPANS_PER_REQUEST);
const DIR = import.meta.dirname;

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function pin(pid: number, cpu: number): void {
  // -a: every thread (libuv pool, GC helpers) of the process, so "one core" is one core.
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) console.warn(`taskset failed (${result.stderr.trim()}); running unpinned`);
}

function child(file: string, env: Record<string, string> = {}): ChildProcess {
  // HEADROOM_BENCH_PROFILE=<dir>: CPU profile of the server process, for finding hot spots.
  const profile =
    file === 'server.ts' && process.env.HEADROOM_BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HEADROOM_BENCH_PROFILE}`]
      : [];
  // HEADROOM_BENCH_NODE_FLAGS: extra V8/node flags for the server (e.g. --max-semi-space-size=64).
  const flags =
    file === 'server.ts' ? (process.env.HEADROOM_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean) : [];
  return fork(join(DIR, file), {
    execArgv: ['--import', 'tsx', ...profile, ...flags],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function next<T>(proc: ChildProcess, type?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (type && (message as { type?: string }).type !== type) return;
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`${proc.spawnfile} exited (${code})`));
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  });
}

async function runLoad(url: string, payloadDir: string, durationSeconds: number): Promise<LoadReport> {
  const proc = child('load.ts');
  pin(proc.pid!, 1);
  const options: LoadOptions = { url, payloadDir, connections: CONNECTIONS, durationSeconds };
  proc.send(options);
  return next<LoadReport>(proc);
}

interface PhaseResult {
  store: string;
  decode: DecodeReport;
  load: LoadReport;
  server: ServerReport;
  idleRssBytes: number;
  loadAverage: string;
}

async function phase(
  store: 'embedded' | 'influx',
  payloadDir: string,
  influxUrl?: string,
): Promise<PhaseResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'headroom-bench-ingest-'));
  const options: ServerOptions = {
    payloadDir,
    store,
    dataDir,
    decodeSeconds: Number(process.env.HEADROOM_BENCH_DECODE_SECONDS ?? 5),
    ...(influxUrl ? { influxUrl } : {}),
  };
  const server = child('server.ts', { HEADROOM_BENCH_SERVER: JSON.stringify(options) });
  try {
    const ready = await next<Extract<ServerMessage, { type: 'ready' }>>(server, 'ready');
    pin(server.pid!, 0);
    server.send({ cmd: 'decode' });
    const decode = (await next<Extract<ServerMessage, { type: 'decoded' }>>(server, 'decoded')).report;
    await runLoad(ready.url, payloadDir, WARMUP);
    server.send({ cmd: 'reset' });
    await next(server, 'reset');
    const loadAverage = load();
    const result = await runLoad(ready.url, payloadDir, SECONDS);
    server.send({ cmd: 'report' });
    const report = (await next<Extract<ServerMessage, { type: 'report' }>>(server, 'report')).report;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.send({ cmd: 'stop' });
    await next(server, 'stopped');
    await exited;
    return { store, decode, load: result, server: report, idleRssBytes: ready.idleRssBytes, loadAverage };
  } finally {
    if (server.exitCode === null) server.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Rates {
  e2eWall: number;
  e2eCpu: number;
  decodeCpu: number;
}

function print(r: PhaseResult): Rates {
  const spans = r.load.requests2xx * SPANS_PER_REQUEST;
  const e2eWall = spans / r.load.durationSeconds;
  const e2eCpu = spans / r.server.cpuSeconds;
  const decodeWall = r.decode.spans / r.decode.wallSeconds;
  const decodeCpu = r.decode.spans / r.decode.cpuSeconds;
  const writtenPoints = r.server.writes.reduce((n, w) => n + w.points, 0);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`\n== store: ${r.store} (load average during the run: ${r.loadAverage})`);
  console.log(
    `bare decode (same payloads, same core):   ${fmt(decodeWall)} spans/s wall, ${fmt(decodeCpu)} spans per CPU-second`,
  );
  const inProcess = r.decode.decodeAndRollup;
  console.log(
    `decode + rollup in-process (no HTTP/store): ${fmt(inProcess.spans / inProcess.wallSeconds)} spans/s wall, ${fmt(inProcess.spans / inProcess.cpuSeconds)} spans per CPU-second`,
  );
  console.log(
    `end-to-end HTTP→decode→rollup→store:       ${fmt(e2eWall)} spans/s wall, ${fmt(e2eCpu)} spans per server CPU-second`,
  );
  console.log(
    `ratio end-to-end / bare decode:           ${((e2eWall / decodeWall) * 100).toFixed(1)}% wall, ${((e2eCpu / decodeCpu) * 100).toFixed(1)}% per CPU-second`,
  );
  console.log(
    `server CPU use during the run:            ${((r.server.cpuSeconds / r.server.wallSeconds) * 100).toFixed(0)}% of one core (${((r.server.systemCpuSeconds / r.server.cpuSeconds) * 100).toFixed(0)}% of it in the kernel)`,
  );
  console.log(
    `requests: ${fmt(r.load.requests2xx)} × 200 (${fmt(spans)} spans), non-2xx ${r.load.non2xx} ${JSON.stringify(r.load.statusCodes)}, errors ${r.load.errors}; latency p50 ${r.load.latencyP50Ms} ms, p99 ${r.load.latencyP99Ms} ms`,
  );
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `RSS at the peak of ${fmt(r.server.peakActiveSeries)} series held in open intervals (${fmt(SERIES)} distinct): ${mib(r.server.rssAtPeakBytes)}; at the end ${mib(r.server.rssBytes)} (heap used ${mib(r.server.heapUsedBytes)}); idle server before load ${mib(r.idleRssBytes)}`,
  );
  const rates = { e2eWall, e2eCpu, decodeCpu };
  console.log(
    `store points written during the run:      ${fmt(writtenPoints)} in ${r.server.writes.length} writes = ${fmt(writtenPoints / r.server.wallSeconds)} points/s (one point per series per 10 s interval: steady state ${fmt(SERIES / 10)} points/s); pending ${r.server.pendingPoints}`,
  );
  return rates;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function summary(store: string, runs: Rates[]): void {
  if (runs.length < 2) return;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const e2e = median(runs.map((r) => r.e2eCpu));
  const decode = median(runs.map((r) => r.decodeCpu));
  console.log(
    `\n== ${store}: median of ${runs.length} runs: end-to-end ${fmt(e2e)} spans per server CPU-second, bare decode ${fmt(decode)}, ratio ${((e2e / decode) * 100).toFixed(1)}%; wall ${fmt(median(runs.map((r) => r.e2eWall)))} spans/s`,
  );
}

console.log(
  `bench:ingest  ${new Date().toISOString()}  node ${process.version}  ${cpus().length}× ${cpus()[0]?.model ?? '?'}`,
);
console.log(`load average before: ${load()}`);
console.log(
  `${PAYLOADS} pre-encoded requests × ${SPANS_PER_REQUEST} spans over ${SERIES} series; ${CONNECTIONS} connections; warm-up ${WARMUP} s, run ${SECONDS} s per store`,
);
const payloadDir = mkdtempSync(join(tmpdir(), 'headroom-bench-payloads-'));
mkdirSync(payloadDir, { recursive: true });
const nowMs = Date.now();
let bytes = 0;
for (let k = 0; k < PAYLOADS; k++) {
  const body = tracePayload({
    spans: SPANS_PER_REQUEST,
    series: SERIES,
    nowMs,
    offset: k * SPANS_PER_REQUEST,
  });
  bytes += body.byteLength;
  writeFileSync(join(payloadDir, `${String(k).padStart(4, '0')}.pb`), body);
}
console.log(`request size: ${Math.round(bytes / PAYLOADS / 1024)} KiB on average`);

try {
  for (const store of values.stores.split(',')) {
    const runs: Rates[] = [];
    if (store === 'embedded') {
      for (let i = 0; i < REPEAT; i++) runs.push(print(await phase('embedded', payloadDir)));
    } else if (store === 'influx') {
      if (spawnSync('influxd', ['version']).status !== 0) {
        console.log('\n== store: influx: skipped (influxd is not installed)');
        continue;
      }
      const influx = await InfluxServer.start();
      try {
        for (let i = 0; i < REPEAT; i++) runs.push(print(await phase('influx', payloadDir, influx.url)));
      } finally {
        await influx.destroy();
      }
    }
    summary(store, runs);
  }
} finally {
  rmSync(payloadDir, { recursive: true, force: true });
}
