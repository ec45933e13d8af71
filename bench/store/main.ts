/**
 * bench/store: write throughput and query latency of both stores at "10,000 series × 1 day of
 * 10 s rollups" (86.4M points), or a smaller scale given by flags. Prints its figures; asserts
 * nothing. Each run starts its own influxd in a temp dir.
 *
 *   npm run bench:store -- [--store both|influx|embedded] [--series 10000] [--hours 24]
 *                          [--inflight 4] [--batch-size 5000] [--concurrency 2] [--compression gzip|none]
 *                          [--query-runs 20]
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { systemClock } from '../../core/clock.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, isRetryable } from '../../core/errors.js';
import { alignTime, type RollupPoint } from '../../core/rollup.js';
import type { Store } from '../../core/store.js';
import { embeddedConfigSchema, influxConfigSchema } from '../../storage/config.js';
import { EmbeddedStore } from '../../storage/embedded/embedded-store.js';
import { InfluxStore } from '../../storage/influx/influx-store.js';
import { InfluxServer } from '../../test/helpers/influx-server.js';
import { makeSeries, random, rollupAt } from './workload.js';

const { values: flags } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    series: { type: 'string', default: '10000' },
    hours: { type: 'string', default: '24' },
    inflight: { type: 'string', default: '4' },
    'batch-size': { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '2' },
    compression: { type: 'string', default: 'gzip' },
    'query-runs': { type: 'string', default: '20' },
  },
});
const SERIES = Number(flags.series);
const HOURS = Number(flags.hours);
const STEP_MS = 10_000;
const STEPS = Math.round((HOURS * 3_600_000) / STEP_MS);
const INFLIGHT = Number(flags.inflight);
const QUERY_RUNS = Number(flags['query-runs']);
const logger = pino({ level: 'warn' });

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

function cpuSeconds(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  const stat = execSync(`cat /proc/${pid}/stat`).toString().split(' ');
  return (Number(stat[13]) + Number(stat[14])) / 100;
}

/** Writes SERIES × STEPS points in time order, at most INFLIGHT write calls outstanding. */
async function writeAll(store: Store, start: number, serverPid?: number): Promise<void> {
  const series = makeSeries(SERIES);
  const rnd = random(7);
  const inflight = new Set<Promise<void>>();
  const cpu0 = process.cpuUsage();
  const server0 = cpuSeconds(serverPid);
  const t0 = performance.now();
  let written = 0;
  let lastReport = t0;
  for (let step = 0; step < STEPS; step++) {
    const t = start + step * STEP_MS;
    const points = series.map((s) => rollupAt(s, t, rnd));
    const p = writeWithRetry(store, points).then(() => {
      written += points.length;
    });
    inflight.add(p);
    // Handled here; a failure still surfaces through Promise.race / Promise.all below.
    p.then(
      () => inflight.delete(p),
      () => inflight.delete(p),
    );
    if (inflight.size >= INFLIGHT) await Promise.race(inflight);
    const now = performance.now();
    if (now - lastReport > 30_000) {
      lastReport = now;
      const pct = ((step + 1) / STEPS) * 100;
      console.log(
        `  … ${fmt(written)} points (${pct.toFixed(1)}%), ${fmt(written / ((now - t0) / 1000))} points/s`,
      );
    }
  }
  await Promise.all(inflight);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const server = serverPid ? ` , influxd CPU ${fmt(cpuSeconds(serverPid) - server0, 1)} s` : '';
  console.log(
    `  write: ${fmt(written)} points in ${fmt(seconds, 1)} s = ${fmt(written / seconds)} points/s ` +
      `(this process CPU ${fmt((cpu.user + cpu.system) / 1e6, 1)} s${server}; ${retries} write retries; load ${load()})`,
  );
}

let retries = 0;

/** In the daemon the spool absorbs a failed write; here it is retried (and counted) instead. */
async function writeWithRetry(store: Store, points: RollupPoint[]): Promise<void> {
  for (;;) {
    try {
      await store.write(points);
      return;
    } catch (err) {
      if (!isRetryable(err) || retries > 1_000) throw err;
      retries++;
      console.log(`  retrying a write: ${errorMessage(err)}`);
      await sleep(1_000);
    }
  }
}

async function timeQuery(label: string, run: () => Promise<number>, runs = QUERY_RUNS): Promise<void> {
  const first0 = performance.now();
  const size = await run();
  const first = performance.now() - first0;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
  const p95 = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] ?? Number.NaN;
  console.log(
    `  ${label}: median ${fmt(median, 1)} ms, p95 ${fmt(p95, 1)} ms, first ${fmt(first, 1)} ms ` +
      `(${fmt(size)} steps returned, ${runs} runs)`,
  );
}

async function queries(store: Store, start: number): Promise<void> {
  const day = { from: start, to: start + STEPS * STEP_MS };
  const one = makeSeries(SERIES)[SERIES >> 1];
  const total = (groups: { points: unknown[] }[]): number => groups.reduce((n, g) => n + g.points.length, 0);
  await timeQuery(`1 series, ${HOURS} h, 10 s steps`, async () =>
    total(
      await store.queryRollups({ measurement: 'api_calls', ...day, stepMs: STEP_MS, where: one?.tags ?? {} }),
    ),
  );
  await timeQuery(`1 series, ${HOURS} h, 10 s steps, scalars only (histogram: false)`, async () =>
    total(
      await store.queryRollups({
        measurement: 'api_calls',
        ...day,
        stepMs: STEP_MS,
        where: one?.tags ?? {},
        histogram: false,
      }),
    ),
  );
  await timeQuery(`1 series, ${HOURS} h, 5 min steps`, async () =>
    total(
      await store.queryRollups({ measurement: 'api_calls', ...day, stepMs: 300_000, where: one?.tags ?? {} }),
    ),
  );
  await timeQuery(
    `1 provider (${fmt(SERIES / 20)} series), ${HOURS} h, 1 min steps`,
    async () =>
      total(
        await store.queryRollups({
          measurement: 'api_calls',
          ...day,
          stepMs: 60_000,
          where: { provider: 'provider-3' },
        }),
      ),
    Math.max(3, Math.floor(QUERY_RUNS / 4)),
  );
  await timeQuery(
    `all ${fmt(SERIES)} series grouped by provider, ${HOURS} h, 5 min steps`,
    async () =>
      total(
        await store.queryRollups({
          measurement: 'api_calls',
          ...day,
          stepMs: 300_000,
          groupBy: ['provider'],
        }),
      ),
    Math.max(3, Math.floor(QUERY_RUNS / 4)),
  );
}

async function benchInflux(start: number): Promise<void> {
  console.log(`InfluxStore (InfluxDB 1.6.7, own influxd in a temp dir)`);
  const server = await InfluxServer.start();
  cleanups.push(() => server.destroy());
  const store = new InfluxStore(
    influxConfigSchema.parse({
      url: server.url,
      database: 'bench',
      batchSize: Number(flags['batch-size']),
      writeConcurrency: Number(flags.concurrency),
      compression: flags.compression,
      flushIntervalMs: 100,
      timeoutMs: 120_000,
    }),
    // The bench writes a past day at full speed: all of it is "late" for the continuous query.
    // Downsampling it is timed on its own below instead of running during the writes.
    { logger, clock: systemClock, backfillIntervalMs: 0 },
  );
  try {
    await store.start();
    const pid = (server as unknown as { process: { pid?: number } }).process.pid;
    await writeAll(store, start, pid);
    const t0 = performance.now();
    await store.downsampleLate();
    console.log(
      `  downsampling the written range to 5 min (SELECT … INTO): ${fmt((performance.now() - t0) / 1000, 1)} s`,
    );
    console.log(`  influxd data on disk: ${execSync(`du -sh ${server.dir}`).toString().split('\t')[0]}`);
    await queries(store, start);
  } finally {
    await store.stop();
    await server.destroy();
  }
}

async function benchEmbedded(start: number): Promise<void> {
  console.log(`EmbeddedStore (SQLite via better-sqlite3, temp file)`);
  const dir = mkdtempSync(join(tmpdir(), 'headroom-bench-sqlite-'));
  const path = join(dir, 'bench.sqlite');
  const store = new EmbeddedStore(embeddedConfigSchema.parse({}), { logger, clock: systemClock, path });
  try {
    await store.start();
    await writeAll(store, start);
    const size = statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    console.log(`  SQLite file: ${fmt(size / 1024 / 1024)} MiB`);
    await queries(store, start);
  } finally {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Servers to stop if the run is interrupted, so no influxd outlives the benchmark. */
const cleanups: (() => Promise<void>)[] = [];
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    void Promise.allSettled(cleanups.map((c) => c())).then(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  // A day that ends an hour ago: inside raw retention, older than the continuous query's window.
  const start = alignTime(Date.now() - HOURS * 3_600_000 - 3_600_000, 60_000);
  console.log(
    `bench/store: ${fmt(SERIES)} series × ${HOURS} h of 10 s rollups = ${fmt(SERIES * STEPS)} points; ` +
      `${INFLIGHT} write calls in flight; load ${load()}`,
  );
  if (flags.store === 'both' || flags.store === 'influx') await benchInflux(start);
  if (flags.store === 'both' || flags.store === 'embedded') await benchEmbedded(start);
}

await main();
