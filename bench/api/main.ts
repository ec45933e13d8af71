/**
 * bench/api: latency of GET /api/v1/forecasts for a cached forecast under a fixed request rate
 * (issue target: p99 ≤ 10 ms at 2,000 req/s). Starts the real daemon (`bin/headroom.js start`,
 * EmbeddedStore) as a child process with forecasts already in its store (the forecast stage
 * serves them from memory after start-up), then drives it with autocannon from this process.
 * Prints its figures; asserts nothing.
 *
 *   npm run bench:api -- [--rate 2000] [--seconds 10] [--connections 4] [--series 50]
 *                        [--path '/api/v1/forecasts?provider=stripe&horizon=2h'] [--cpu-prof-dir DIR]
 *
 * The API's per-client rate limit (1,200 requests/min by default) would answer most of the
 * bench with 429: the bench's daemon keeps the limiter on but allows 10M requests per minute,
 * so its cost is measured and it never refuses.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pino from 'pino';
import { systemClock } from '../../core/clock.js';
import { exampleForecast } from '../../daemon/http/testing/example-data.js';
import { embeddedConfigSchema } from '../../storage/config.js';
import { EmbeddedStore } from '../../storage/embedded/embedded-store.js';
import { DaemonProcess } from '../../test/helpers/daemon-process.js';

const { values: flags } = parseArgs({
  options: {
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    'warmup-seconds': { type: 'string', default: '3' },
    connections: { type: 'string', default: '4' },
    series: { type: 'string', default: '50' },
    path: { type: 'string', default: '/api/v1/forecasts?provider=stripe&horizon=2h' },
    /** Writes the daemon's V8 CPU profile (.cpuprofile) into this folder. */
    'cpu-prof-dir': { type: 'string' },
  },
});
const RATE = Number(flags.rate);
const SECONDS = Number(flags.seconds);
const WARMUP_SECONDS = Number(flags['warmup-seconds']);
const CONNECTIONS = Number(flags.connections);
const SERIES = Number(flags.series);
const READ_TOKEN = 'bench-read-token-0123456789';

/** autocannon 8 as this bench calls it (bench/ingest/autocannon.d.ts types only what ingest uses). */
interface RateResult {
  duration: number;
  requests: { total: number };
  latency: { average: number; p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
const rateCannon = autocannon as unknown as (options: {
  url: string;
  headers: Record<string, string>;
  connections: number;
  /** Requests per second over all connections (each pauses once it sent its share). */
  overallRate?: number;
  duration: number;
}) => Promise<RateResult>;

/** User + system CPU seconds a process has used (Linux /proc). */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** SERIES forecasts (stripe and provider-01…), 150 one-minute steps each, issued now. */
async function seedForecasts(dataDir: string): Promise<void> {
  const store = new EmbeddedStore(embeddedConfigSchema.parse({}), {
    logger: pino({ level: 'warn' }),
    clock: systemClock,
    path: join(dataDir, 'headroom.sqlite'),
  });
  await store.start();
  const now = systemClock.now();
  const providers = ['stripe', ...Array.from({ length: SERIES - 1 }, (_, i) => `provider-${i + 1}`)];
  await store.putRecords(providers.map((p) => exampleForecast(now, p)));
  await store.stop();
}

function run(url: string, seconds: number): Promise<RateResult> {
  return rateCannon({
    url,
    headers: { authorization: `Bearer ${READ_TOKEN}` },
    connections: CONNECTIONS,
    // 0: as fast as the connections go (capacity), else a fixed rate.
    ...(RATE > 0 ? { overallRate: RATE } : {}),
    duration: seconds,
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'headroom-bench-api-'));
  let daemon: DaemonProcess | undefined;
  try {
    await seedForecasts(dataDir);
    const profileDir = flags['cpu-prof-dir'];
    daemon = await DaemonProcess.start({
      dataDir,
      ...(profileDir ? { env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } } : {}),
      config: {
        log: { level: 'warn', format: 'json' },
        api: {
          readToken: READ_TOKEN,
          rateLimit: { enabled: true, windowSeconds: 60, maxRequests: 10_000_000 },
        },
        // No scheduled forecast run replaces the seeded forecasts during the measurement.
        models: { forecasting: { forecastCron: '0 3 1 1 *' } },
      },
    });
    const url = `${daemon.apiUrl}${flags.path}`;
    const probe = await fetch(url, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    const body = await probe.text();
    const forecasts = (JSON.parse(body) as { forecasts?: unknown[] }).forecasts?.length ?? 0;
    // Another --path (e.g. /healthz) shows what the server costs without the route.
    if (probe.status !== 200 || (flags.path.startsWith('/api/v1/forecasts') && forecasts === 0)) {
      throw new Error(`GET ${url}: ${probe.status} with ${forecasts} forecasts: ${body.slice(0, 300)}`);
    }
    console.log(`GET ${url}`);
    console.log(`  ${forecasts} forecast(s), ${body.length} bytes; ${SERIES} series cached`);
    console.log(`  load before: ${load()}`);
    const idleBefore = cpuSeconds(daemon.pid);
    await sleep(3_000);
    const idlePerSecond = (cpuSeconds(daemon.pid) - idleBefore) / 3;
    console.log(`  daemon idle CPU: ${(idlePerSecond * 100).toFixed(1)}% of one core`);
    await run(url, WARMUP_SECONDS);
    const cpuBefore = cpuSeconds(daemon.pid);
    const r = await run(url, SECONDS);
    const cpuUsed = cpuSeconds(daemon.pid) - cpuBefore;
    const achieved = r.requests.total / (r.duration || SECONDS);
    console.log(
      `  ${RATE > 0 ? `${RATE} req/s target` : 'unlimited rate'}, ${CONNECTIONS} connections, ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up)`,
    );
    console.log(
      `  latency ms: p50 ${r.latency.p50}  p90 ${r.latency.p90}  p99 ${r.latency.p99}  ` +
        `max ${r.latency.max}  mean ${r.latency.average.toFixed(2)}`,
    );
    console.log(
      `  achieved ${achieved.toFixed(0)} req/s (${r.requests.total} requests), non-2xx ${r.non2xx}, ` +
        `errors ${r.errors}, timeouts ${r.timeouts}`,
    );
    console.log(
      `  daemon CPU ${cpuUsed.toFixed(2)} s = ${((cpuUsed * 1e6) / r.requests.total).toFixed(0)} µs per request ` +
        `(${((cpuUsed / (r.duration || SECONDS)) * 100).toFixed(0)}% of one core)`,
    );
    console.log(`  load after: ${load()}  (uptime load average: 1, 5, 15 min)`);
  } finally {
    await daemon?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
