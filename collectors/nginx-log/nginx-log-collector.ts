import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../core/clock.js';
import type { Component, ComponentHealth } from '../../core/component.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Sink } from '../../core/store.js';
import { getMeter } from '../../core/telemetry.js';
import { CallTagger } from '../call-tagger.js';
import { normalizeMethod } from '../http-method.js';
import { ProviderMatcher } from '../provider-matcher.js';
import { Rollup } from '../rollup.js';
import type { RollupConfig } from '../rollup-config.js';
import { statusOutcome } from '../status-class.js';
import { stripPort } from '../url-parts.js';
import { parseAccessLine, type AccessEntry } from './access-line.js';
import type { NginxLogConfig } from './config.js';
import { FileTailer, type TailPosition } from './file-tailer.js';

export interface NginxLogCollectorOptions {
  logs: readonly NginxLogConfig[];
  rollup: RollupConfig;
  /** The collector tag is `nginx:<instance>`. */
  instance: string;
  sink: Sink;
  clock: Clock;
  logger: Logger;
  /** Where read positions (and the rollup watermark) are kept across restarts. */
  stateDir?: string;
}

/**
 * Tails nginx JSON access logs (README.md) and rolls each upstream try up as a call
 * (`api_calls`): provider from the log's `upstreams` patterns (address with or without port,
 * then `$proxy_host`), else the global host patterns on `$proxy_host`, else that name; endpoint
 * from the logged route, else the normalised `$uri`; status and duration from the try's own
 * `$upstream_status` / `$upstream_response_time`. Requests nginx answered without an upstream
 * (cache hits, redirects, static files) are not calls and are only counted. All logs share one
 * rollup; while it sheds load the tailers stop reading (the lines wait in the files).
 */
export class NginxLogCollector {
  readonly rollup: Rollup;
  readonly components: readonly Component[];
  private readonly tailers: { config: NginxLogConfig; tailer: FileTailer; upstreams: ProviderMatcher }[] = [];
  private readonly tagger: CallTagger;
  private readonly log: Logger;
  private readonly lines;
  private readonly events;

  constructor(private readonly options: NginxLogCollectorOptions) {
    const collector = `nginx:${options.instance}`;
    this.log = options.logger.child({ component: 'nginx-log' });
    this.rollup = new Rollup({
      config: options.rollup,
      collector,
      sink: options.sink,
      clock: options.clock,
      logger: options.logger,
      ...(options.stateDir ? { stateFile: join(options.stateDir, 'nginx-rollup.json') } : {}),
    });
    this.tagger = new CallTagger(options.rollup);
    const meter = getMeter();
    this.lines = meter.createCounter('headroom_nginx_lines', {
      description: 'Access-log lines read, by log and outcome (upstream, no_upstream, unparseable)',
    });
    this.events = meter.createCounter('headroom_nginx_log_events', {
      description: 'Rotations, truncations and over-long lines seen, by log',
    });
    for (const config of options.logs) {
      const tailer = new FileTailer({
        path: config.path,
        startAt: config.startAt,
        pollIntervalMs: config.pollIntervalMs,
        maxLineBytes: config.maxLineBytes,
        logger: this.log.child({ log: config.name }),
        onLines: (lines) => this.ingest(config, lines),
        paused: () => this.rollup.admission() !== undefined,
        onEvent: (event) => this.events.add(1, { log: config.name, event }),
        ...this.resumePoint(config.name),
      });
      this.tailers.push({ config, tailer, upstreams: new ProviderMatcher(config.upstreams) });
    }
    const tailing: Component = {
      name: 'nginx-log tailers',
      start: async () => {
        for (const { tailer } of this.tailers) await tailer.start();
      },
      stop: async () => {
        for (const { config, tailer } of this.tailers) this.savePosition(config.name, await tailer.stop());
      },
      health: (): ComponentHealth => ({ state: 'ok', detail: `${this.tailers.length} logs` }),
    };
    // Tailers stop first (reading what is complete), then the rollup writes everything.
    this.components = [this.rollup, tailing];
  }

  /** Reads available lines of every log now (tests). */
  async poll(): Promise<void> {
    for (const { tailer } of this.tailers) await tailer.poll();
  }

  private ingest(config: NginxLogConfig, lines: string[]): void {
    const upstreams = this.tailers.find((t) => t.config === config)!.upstreams;
    const nowMs = this.options.clock.now();
    let unparseable = 0;
    let noUpstream = 0;
    let upstream = 0;
    for (const line of lines) {
      const entry = parseAccessLine(line);
      if (!entry) unparseable++;
      else if (entry.tries.length === 0) noUpstream++;
      else {
        upstream++;
        this.record(config, upstreams, entry, nowMs);
      }
    }
    if (upstream > 0) this.lines.add(upstream, { log: config.name, outcome: 'upstream' });
    if (noUpstream > 0) this.lines.add(noUpstream, { log: config.name, outcome: 'no_upstream' });
    if (unparseable > 0) this.lines.add(unparseable, { log: config.name, outcome: 'unparseable' });
  }

  private record(
    config: NginxLogConfig,
    upstreams: ProviderMatcher,
    entry: AccessEntry,
    nowMs: number,
  ): void {
    const endpoint = entry.route !== '' ? entry.route : this.tagger.endpoint('', entry.uri);
    const method = normalizeMethod(entry.method);
    for (const t of entry.tries) {
      const provider =
        upstreams.match(t.addr) ??
        upstreams.match(stripPort(t.addr)) ??
        (entry.proxyHost !== '' ? upstreams.match(entry.proxyHost) : undefined) ??
        this.tagger.provider(stripPort(entry.proxyHost !== '' ? entry.proxyHost : t.addr));
      // No upstream status means no response (connection refused, timeout): an error.
      const outcome = statusOutcome(Number.isFinite(t.status) ? t.status : 0, !Number.isFinite(t.status));
      this.rollup.record(
        'api_calls',
        config.service,
        provider,
        endpoint,
        method,
        config.region ?? '',
        outcome.statusClass,
        entry.timeMs,
        nowMs,
        Number.isFinite(t.durationMs) ? t.durationMs : 0,
        outcome.isError,
      );
    }
  }

  private positionFile(name: string): string | undefined {
    return this.options.stateDir ? join(this.options.stateDir, `nginx-${name}.position.json`) : undefined;
  }

  private resumePoint(name: string): { resume?: TailPosition } {
    const file = this.positionFile(name);
    if (!file) return {};
    try {
      const position = JSON.parse(readFileSync(file, 'utf8')) as TailPosition;
      return typeof position.ino === 'number' && typeof position.offset === 'number'
        ? { resume: position }
        : {};
    } catch {
      return {};
    }
  }

  private savePosition(name: string, position: TailPosition | undefined): void {
    const file = this.positionFile(name);
    if (!file || !position) return;
    try {
      mkdirSync(this.options.stateDir!, { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify(position));
      renameSync(`${file}.tmp`, file);
    } catch (err) {
      this.log.warn({ log: name, err: errorMessage(err) }, 'could not save the log position');
    }
  }
}
