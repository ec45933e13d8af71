/**
 * The benchmark's server process (pinned to one core by main.ts): OTLP receiver → rollup →
 * store, exactly as the daemon wires them, plus the bare decode measurement on the same core.
 */
import { pino } from 'pino';
import { systemClock } from '../../core/clock.js';
import type { RollupPoint } from '../../core/rollup.js';
import type { Store } from '../../core/store.js';
import { otlpConfigSchema } from '../../collectors/otlp/config.js';
import { OtlpCollector } from '../../collectors/otlp/otlp-collector.js';
import { ExportTraceServiceRequest } from '../../collectors/otlp/proto.js';
import { rollupConfigSchema } from '../../collectors/rollup-config.js';
import { CallTagger } from '../../collectors/call-tagger.js';
import { ErrorSampler, noopErrorSampleSink } from '../../collectors/error-sampler.js';
import { TraceMapper } from '../../collectors/otlp/trace-mapper.js';
import { Rollup } from '../../collectors/rollup.js';
import { storeConfigSchema } from '../../storage/config.js';
import { createStore } from '../../storage/create-store.js';
import { readPayloads, SPANS_PER_REQUEST } from './payload-files.js';
import type {
  DecodeReport,
  Rate,
  ServerCommand,
  ServerMessage,
  ServerOptions,
  ServerReport,
} from './protocol.js';

const options = JSON.parse(process.env.HEADROOM_BENCH_SERVER ?? '{}') as ServerOptions;
const logger = pino({ level: 'warn' });
const send = (message: ServerMessage): void => {
  process.send!(message);
};

const store: Store = createStore(
  storeConfigSchema.parse(
    options.store === 'influx' ? { influx: { url: options.influxUrl, database: 'headroom_bench' } } : {},
  ),
  { dataDir: options.dataDir, logger, clock: systemClock },
);
const writes: { atMs: number; points: number }[] = [];
const countingSink = {
  write: async (points: readonly RollupPoint[]) => {
    await store.write(points);
    writes.push({ atMs: Date.now(), points: points.length });
  },
};
const collector = new OtlpCollector({
  otlp: otlpConfigSchema.parse({ host: '127.0.0.1', port: 0, maxConcurrentRequests: 256 }),
  // Caps above the benchmark's 10,000 series, so nothing folds.
  rollup: rollupConfigSchema.parse({ maxValuesPerTag: 20_000 }),
  instance: 'bench',
  sink: countingSink,
  clock: systemClock,
  logger,
});

let cpuMark = process.cpuUsage();
let wallMark = performance.now();
let peak = { series: 0, rssBytes: 0 };
setInterval(() => {
  const series = (collector.rollup.status() as { activeSeries: number }).activeSeries;
  if (series >= peak.series) peak = { series, rssBytes: process.memoryUsage().rss };
}, 250).unref();

function report(): ServerReport {
  const cpu = process.cpuUsage(cpuMark);
  const status = collector.rollup.status() as {
    activeSeries: number;
    writtenPoints: number;
    pendingPoints: number;
    late: number;
  };
  const memory = process.memoryUsage();
  return {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    systemCpuSeconds: cpu.system / 1e6,
    wallSeconds: (performance.now() - wallMark) / 1000,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    activeSeries: status.activeSeries,
    peakActiveSeries: peak.series,
    rssAtPeakBytes: peak.rssBytes,
    writtenPoints: status.writtenPoints,
    pendingPoints: status.pendingPoints,
    late: status.late,
    writes: [...writes],
  };
}

function measure(payloads: Buffer[], work: (payload: Buffer) => void): Rate {
  for (let i = 0; i < 100; i++) work(payloads[i % payloads.length]!);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let requests = 0;
  while (performance.now() - t0 < options.decodeSeconds * 1000) {
    for (const p of payloads) work(p);
    requests += payloads.length;
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    spans: requests * SPANS_PER_REQUEST,
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

function decodeBench(): DecodeReport {
  const payloads = readPayloads(options.payloadDir);
  const bare = measure(payloads, (p) => ExportTraceServiceRequest.decode(p));
  // A rollup of its own (discarding points), so the server's rollup starts clean.
  const config = rollupConfigSchema.parse({ maxValuesPerTag: 20_000 });
  const collector = 'otlp:decode-bench';
  const sink = { write: async () => {} };
  const rollup = new Rollup({ config, collector, sink, clock: systemClock, logger });
  const errors = new ErrorSampler(config.errorSamples, noopErrorSampleSink, systemClock, collector);
  const tagger = new CallTagger(config);
  const mapper = new TraceMapper({ rollup, tagger, errors, maxTagValueLength: config.maxTagValueLength });
  const decodeAndRollup = measure(payloads, (p) =>
    mapper.map(ExportTraceServiceRequest.decode(p), Date.now()),
  );
  return { ...bare, decodeAndRollup };
}

process.on('message', (message: ServerCommand) => {
  void (async () => {
    if (message.cmd === 'decode') send({ type: 'decoded', report: decodeBench() });
    else if (message.cmd === 'reset') {
      cpuMark = process.cpuUsage();
      wallMark = performance.now();
      writes.length = 0;
      peak = { series: 0, rssBytes: 0 };
      send({ type: 'reset' });
    } else if (message.cmd === 'report') send({ type: 'report', report: report() });
    else if (message.cmd === 'stop') {
      const before = report();
      for (const c of [...collector.components].reverse()) await c.stop();
      await store.stop();
      send({ type: 'stopped', report: before });
      // Exit normally (not killed), so that --cpu-prof can write its profile.
      process.exit(0);
    }
  })();
});

await store.start();
for (const c of collector.components) await c.start(new AbortController().signal);
send({ type: 'ready', url: collector.receiver.url(), idleRssBytes: process.memoryUsage().rss });
