import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Store } from '../../core/store.js';
import type { HeadroomConfig } from '../config/schema.js';
import { App } from '../app.js';
import { readDetectorState, writeDetectorState } from '../control/detector-state-file.js';
import { createLogger } from '../logger.js';
import { MODULES } from '../modules/registry.js';
import { createStore } from '../../storage/create-store.js';
import { backfillPoints } from './backfill.js';
import { demoConfig } from './demo-config.js';
import { FleetProcess } from './fleet-process.js';
import { Narrator, type NarrationEvent } from './narrator.js';
import { Scenario } from './scenario.js';
import { SlackSink, type SlackSinkMessage } from './slack-sink.js';

export interface DemoOptions {
  /** Timeline compression (2 = everything happens twice as soon). */
  speed?: number;
  /** API port; default 8080 when free, else any free port. */
  apiPort?: number;
  /** A real Slack incoming webhook; default: the local sink that prints messages. */
  slackWebhookUrl?: string;
  influxUrl?: string;
  influxDatabase?: string;
  /** Default: a fresh temp dir, deleted on stop. */
  dataDir?: string;
  /** Where narration lines go. */
  print: (line: string) => void;
  logLevel?: HeadroomConfig['log']['level'];
}

const ROLLUP_MS = 5_000;
/** The history is backfilled and the daemon started; the fleet exports from this much later. */
const LEAD_MS = 20_000;
const HISTORY_MS = 26 * 3_600_000;

/**
 * `headroom demo`: the real daemon (every module, the configured store, API, OTLP receiver) on
 * a demo config, a day of backfilled history, the simulated fleet exporting real OTLP to it,
 * the local Slack sink, and a narrator reading the API.
 */
export class Demo {
  readonly narrator: Narrator;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly app: App,
    readonly scenario: Scenario,
    readonly apiUrl: string,
    readonly otlpUrl: string,
    readonly sink: SlackSink | undefined,
    private readonly fleet: FleetProcess,
    private readonly cleanup: { dataDir?: string; log: WriteStream },
    print: (line: string) => void,
  ) {
    this.narrator = new Narrator({
      apiUrl,
      sinceMs: scenario.startMs,
      emit: (e: NarrationEvent) => print(`${stamp(e.timeMs, scenario.startMs)} ${e.text}`),
    });
  }

  static async start(options: DemoOptions): Promise<Demo> {
    const print = options.print;
    const speed = options.speed ?? 1;
    const ownDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir
      ? resolve(options.dataDir)
      : mkdtempSync(join(tmpdir(), 'headroom-demo-'));
    mkdirSync(dataDir, { recursive: true });
    const apiPort = options.apiPort ?? ((await portIsFree(8080)) ? 8080 : await freePort());
    const otlpPort = (await portIsFree(4318)) ? 4318 : await freePort();
    const sink = options.slackWebhookUrl
      ? undefined
      : await SlackSink.start((m) => printSlack(print, m, scenarioRef.current));
    const scenarioRef: { current?: Scenario } = {};
    const config = demoConfig({
      dataDir,
      apiPort,
      otlpPort,
      slackWebhookUrl: options.slackWebhookUrl ?? sink!.url,
      ...(options.influxUrl ? { influxUrl: options.influxUrl } : {}),
      ...(options.influxDatabase ? { influxDatabase: options.influxDatabase } : {}),
      ...(options.logLevel ? { logLevel: options.logLevel } : {}),
    });
    const log = createWriteStream(join(dataDir, 'headroom.log'), { flags: 'a' });
    const logger = createLogger(config.log, log);
    // History ends at the anchor; the fleet exports from then on, or later if the daemon (its
    // backfill into a slow InfluxDB) takes longer to start, the gap then being backfilled too.
    const anchorMs = Math.ceil((Date.now() + LEAD_MS) / ROLLUP_MS) * ROLLUP_MS;
    const planned = new Scenario(anchorMs, speed);
    let fleet: FleetProcess;
    try {
      fleet = await FleetProcess.start({
        anchorMs,
        speed,
        otlpTracesUrl: `http://127.0.0.1:${otlpPort}/v1/traces`,
      });
    } catch (err) {
      await sink?.stop();
      log.end();
      throw err;
    }
    print(
      `Headroom demo: starting Headroom on ${options.influxUrl ? `InfluxDB at ${options.influxUrl}` : `the embedded store in ${dataDir}`}; backfilling ${HISTORY_MS / 3_600_000} h of history…`,
    );
    let store: Store | undefined;
    const app = new App({
      config,
      logger,
      createStore: ({ config: c, dataDir: d, logger: l, clock }) =>
        (store = createStore(c.store, { dataDir: d, logger: l, clock })),
      modules: [
        {
          // Before any module reads the store: detectors catch up on the last hour, forecasters
          // read yesterday, so both start from history rather than from nothing.
          name: 'demo-backfill',
          create: async (ctx) => {
            const points = backfillPoints(planned, {
              endMs: anchorMs,
              historyMs: HISTORY_MS,
              fineMs: 3_600_000,
              coarseStepMs: 30_000,
              fineStepMs: ROLLUP_MS,
            });
            for (let i = 0; i < points.length; i += 5_000) await ctx.store.write(points.slice(i, i + 5_000));
            await seedDetectionCursors(ctx.config, ctx.dataDir, anchorMs - 3_600_000);
            return { name: 'demo-backfill', components: [] };
          },
        },
        ...MODULES,
      ],
    });
    try {
      await app.start();
    } catch (err) {
      await fleet.stop();
      await sink?.stop();
      log.end();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    const apiUrl = app.apiUrl()!;
    const otlpUrl = `http://127.0.0.1:${otlpPort}`;
    const startMs = Math.max(anchorMs, Math.ceil((Date.now() + 2_000) / ROLLUP_MS) * ROLLUP_MS);
    const scenario = new Scenario(anchorMs, speed, startMs);
    scenarioRef.current = scenario;
    if (startMs > anchorMs) {
      const gap = backfillPoints(
        planned,
        {
          endMs: startMs,
          historyMs: startMs - anchorMs,
          fineMs: startMs - anchorMs,
          coarseStepMs: ROLLUP_MS,
          fineStepMs: ROLLUP_MS,
        },
        startMs,
      );
      await store!.write(gap);
    }
    fleet.begin(startMs);
    const demo = new Demo(
      app,
      scenario,
      apiUrl,
      otlpUrl,
      sink,
      fleet,
      { ...(ownDataDir ? { dataDir } : {}), log },
      print,
    );
    print(`Dashboard:      ${apiUrl}/`);
    print(`API:            ${apiUrl}/api/v1/incidents  (also /anomalies, /decisions, /openapi.json)`);
    print(`OTLP receiver:  ${otlpUrl}/v1/traces`);
    print(`Slack:          ${sink ? 'local sink (messages are printed below)' : 'your webhook'}`);
    print(`Daemon log:     ${join(dataDir, 'headroom.log')}`);
    print(timelineText(scenario));
    const waitMs = startMs - Date.now();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    print(
      `${stamp(Date.now(), startMs)} fleet exporting OTLP: checkout and feed calling payments (us-east, eu-west), messaging and storage`,
    );
    demo.narrator.start();
    return demo;
  }

  /** Stops the narrator, the fleet (flushing its spans), the daemon and the sink; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.narrator.stop();
      await this.fleet.stop();
      await this.app.stop();
      await this.sink?.stop();
      await new Promise<void>((r) => this.cleanup.log.end(() => r()));
      if (this.cleanup.dataDir) rmSync(this.cleanup.dataDir, { recursive: true, force: true });
    })();
    return this.stopping;
  }
}

/**
 * A fresh detection stage scores only the newest step; one restarted from its state file catches
 * up from its cursors (up to `catchUpMinutes`). Writing cursors an hour back (and no detector
 * snapshots) makes the daemon learn every series from the backfilled hour on its first pass,
 * through the stage's own restart path. An existing state file (a reused --data-dir) is kept.
 */
async function seedDetectionCursors(
  config: Readonly<HeadroomConfig>,
  dataDir: string,
  fromMs: number,
): Promise<void> {
  const path = join(dataDir, 'state', 'detectors.json');
  if (await readDetectorState(path)) return;
  const cursors: Record<string, number> = {};
  for (const watch of config.models.detection.watch) {
    for (const signal of watch.signals)
      cursors[`${watch.measurement}|${watch.groupBy.join(',')}|${signal}`] = fromMs;
  }
  await writeDetectorState(path, { version: 1, cursors, detectors: {} });
}

function timelineText(s: Scenario): string {
  const at = (ms: number) => `+${Math.round((ms - s.startMs) / 1000)}s`;
  return [
    `Scenario (injected; what Headroom makes of it is read from its API):`,
    `  one compressed "day" every ${Math.round(s.dayMs / 1000)} s of traffic;`,
    `  ${at(s.incident.fromMs)}…${at(s.incident.toMs)} payments ${s.incident.region}: 6× latency and 30% 503s;`,
    `  ${at(s.surge.fromMs)}…${at(s.surge.toMs)} checkout traffic ×${s.surge.factor} (the daily promotion, also in yesterday's history).`,
  ].join('\n');
}

/** `[14:03:27 +42s]` */
export function stamp(timeMs: number, startMs: number): string {
  const clock = new Date(timeMs).toISOString().slice(11, 19);
  const offset = Math.round((timeMs - startMs) / 1000);
  return `[${clock} ${offset >= 0 ? '+' : ''}${offset}s]`;
}

/** The message's plain-text fallback (title and summary; the blocks repeat it with fields). */
function printSlack(
  print: (line: string) => void,
  m: SlackSinkMessage,
  scenario: Scenario | undefined,
): void {
  const [title = '', ...body] = m.text.split('\n');
  print(`${stamp(m.receivedMs, scenario?.startMs ?? m.receivedMs)} Slack ▸ ${title}`);
  // Updates repeat most of the first message: their title says what changed.
  if (title.startsWith('Update: ')) return;
  for (const part of body) if (part.trim() !== '') print(`                  │ ${part}`);
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
