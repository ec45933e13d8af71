import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  Actuation,
  ControlKind,
  ControlStates,
  RateLimitState,
  RoutingState,
  Target,
} from '../../../core/actuator.js';
import { HeadroomError, errorMessage } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { Tags } from '../../../core/tags.js';
import { subjectKey } from '../../control-states.js';
import type { TargetConfigOf } from '../../config.js';
import { targetError } from '../target-error.js';
import type { NginxCache, NginxRateLimit, NginxUpstream } from './config.js';
import {
  LIMITS_FILE,
  UPSTREAMS_FILE,
  cacheSnippetFile,
  limitSnippetFile,
  normalizeRate,
  normalizeRouting,
  parseCacheSnippet,
  parseLimitSnippet,
  parseLimits,
  parseUpstreams,
  renderCacheSnippet,
  renderLimitSnippet,
  renderLimits,
  renderUpstreams,
} from './nginx-files.js';
import { NginxProcess } from './nginx-process.js';

/**
 * Applies rate limits, cache TTLs and upstream routing to nginx through include files it owns
 * (see nginx-files.ts and actuators/targets/README.md for the operator's `include` lines).
 *
 * An apply renders the files, writes each atomically (temp file + rename), runs `nginx -t`,
 * reloads and checks the reload took; if any step fails every file is restored to its previous
 * content, so nginx's files never disagree with what it runs. Applies are serialised.
 */
export class NginxTarget implements Target {
  readonly id: string;
  readonly kind = 'nginx';
  readonly controls: readonly ControlKind[] = ['cache_ttl', 'rate_limit', 'routing'];
  private readonly process: NginxProcess;
  private readonly log: Logger;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly config: TargetConfigOf<'nginx'>,
    deps: { logger: Logger },
  ) {
    this.id = config.id;
    this.process = new NginxProcess(config);
    this.log = deps.logger.child({ component: 'target', target: config.id, kind: 'nginx' });
  }

  /** Creates the directory and any missing file from the configured initial states (no reload). */
  async start(): Promise<void> {
    await mkdir(this.config.dir, { recursive: true });
    const files = this.render({});
    let created = 0;
    for (const [name, content] of files) {
      if ((await this.readText(name)) === undefined) {
        await this.writeAtomic(name, content);
        created++;
      }
    }
    if (this.config.verifyReloadMs > 0 && !this.config.pidFile) {
      this.log.warn(
        'reload verification is off: set pidFile so refused reloads are detected and rolled back',
      );
    }
    if (created > 0) this.log.info({ dir: this.config.dir, created }, 'created nginx include files');
  }

  async stop(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  normalize<C extends ControlKind>(control: C, subject: Tags, state: ControlStates[C]): ControlStates[C] {
    switch (control) {
      case 'rate_limit':
        this.rateLimitFor(subject);
        return normalizeRate(state as RateLimitState) as ControlStates[C];
      case 'cache_ttl': {
        this.cacheFor(subject);
        const s = state as ControlStates['cache_ttl'];
        return {
          ttlSeconds: Math.max(0, Math.round(s.ttlSeconds)),
          staleOnError: s.staleOnError,
        } as ControlStates[C];
      }
      case 'routing': {
        const result = normalizeRouting(this.upstreamFor(subject), state as RoutingState);
        if (typeof result === 'string') throw targetError('invalid_actuation', result, { retryable: false });
        return result as ControlStates[C];
      }
      default:
        throw targetError('unsupported_control', `nginx target does not handle ${control}`, {
          retryable: false,
        });
    }
  }

  async read<C extends ControlKind>(
    control: C,
    subject: Tags,
    _signal?: AbortSignal,
  ): Promise<ControlStates[C] | undefined> {
    switch (control) {
      case 'rate_limit': {
        const limit = this.rateLimitFor(subject);
        const rate = parseLimits((await this.readText(LIMITS_FILE)) ?? '').get(limit.zone);
        const burst = parseLimitSnippet((await this.readText(limitSnippetFile(limit.zone))) ?? '');
        if (rate === undefined || burst === undefined) return undefined;
        return { ratePerSecond: rate, burst } as ControlStates[C];
      }
      case 'cache_ttl':
        return parseCacheSnippet(
          (await this.readText(cacheSnippetFile(this.cacheFor(subject).name))) ?? '',
        ) as ControlStates[C] | undefined;
      case 'routing': {
        const upstream = this.upstreamFor(subject);
        const parsed = parseUpstreams((await this.readText(UPSTREAMS_FILE)) ?? '', this.config.upstreams);
        return parsed.get(upstream.name) as ControlStates[C] | undefined;
      }
      default:
        throw targetError('unsupported_control', `nginx target does not handle ${control}`, {
          retryable: false,
        });
    }
  }

  apply(actuation: Actuation, signal: AbortSignal): Promise<void> {
    const run = this.queue.then(() => this.applyNow(actuation, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(actuation: Actuation, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    const desired = this.normalize(actuation.control, actuation.subject, actuation.desired);
    const files = this.render(
      { [`${actuation.control}|${subjectKey(actuation.subject)}`]: desired },
      await this.currentStates(),
    );
    const previous = new Map<string, string | undefined>();
    for (const [name, content] of files) {
      const old = await this.readText(name);
      if (old !== content) previous.set(name, old);
    }
    if (previous.size === 0) return;
    let stage: 'write' | 'test' | 'reload' = 'write';
    try {
      for (const name of previous.keys()) await this.writeAtomic(name, files.get(name)!);
      stage = 'test';
      await this.process.test(signal);
      stage = 'reload';
      await this.process.reload(signal);
      this.log.debug({ files: [...previous.keys()] }, 'nginx reloaded');
    } catch (err) {
      await this.restore(previous);
      // Aborted while waiting for the new workers: nginx may have loaded the files we just
      // restored, so reload once more to make what runs match the files again.
      if (stage === 'reload' && signal.aborted) {
        await this.process.reload(AbortSignal.timeout(10_000)).catch((e: unknown) => {
          this.log.error({ err: errorMessage(e) }, 'reload after restore failed');
        });
      }
      throw err instanceof HeadroomError
        ? err
        : targetError('nginx_apply_failed', `nginx apply failed at ${stage}; files restored`, {
            retryable: true,
            cause: err,
          });
    }
  }

  /** Puts every changed file back to its previous content (or removes it if it was new). */
  private async restore(previous: Map<string, string | undefined>): Promise<void> {
    for (const [name, old] of previous) {
      try {
        if (old === undefined) await unlink(join(this.config.dir, name));
        else await this.writeAtomic(name, old);
      } catch (err) {
        this.log.error({ file: name, err: String(err) }, 'could not restore nginx include file');
      }
    }
    this.log.warn({ files: [...previous.keys()] }, 'nginx apply failed: include files restored');
  }

  /** States of everything this target owns, as its files say now (initial ones where missing). */
  private async currentStates(): Promise<Record<string, unknown>> {
    const states: Record<string, unknown> = {};
    for (const limit of this.config.rateLimits) {
      const s = await this.read('rate_limit', limit.subject);
      if (s) states[`rate_limit|${subjectKey(limit.subject)}`] = s;
    }
    for (const cache of this.config.caches) {
      const s = await this.read('cache_ttl', cache.subject);
      if (s) states[`cache_ttl|${subjectKey(cache.subject)}`] = s;
    }
    const routes = parseUpstreams((await this.readText(UPSTREAMS_FILE)) ?? '', this.config.upstreams);
    for (const upstream of this.config.upstreams) {
      const s = routes.get(upstream.name);
      if (s) states[`routing|${subjectKey(upstream.subject)}`] = s;
    }
    return states;
  }

  /** Every file's content for the given states (overrides win over current, then initial). */
  private render(
    overrides: Record<string, unknown>,
    current: Record<string, unknown> = {},
  ): Map<string, string> {
    const state = <T>(control: ControlKind, subject: Tags, initial: T): T =>
      (overrides[`${control}|${subjectKey(subject)}`] ??
        current[`${control}|${subjectKey(subject)}`] ??
        initial) as T;
    const files = new Map<string, string>();
    const limits = this.config.rateLimits.map((limit) => ({
      limit,
      state: state('rate_limit', limit.subject, normalizeRate(limit.initial)),
    }));
    files.set(LIMITS_FILE, renderLimits(this.id, limits));
    for (const { limit, state: s } of limits) {
      files.set(
        limitSnippetFile(limit.zone),
        renderLimitSnippet(this.id, limit.zone, s, this.config.limitStatus),
      );
    }
    for (const cache of this.config.caches) {
      files.set(
        cacheSnippetFile(cache.name),
        renderCacheSnippet(this.id, cache, state('cache_ttl', cache.subject, cache.initial)),
      );
    }
    const upstreams = this.config.upstreams.map((upstream) => {
      const initial = normalizeRouting(upstream, {
        weights: Object.fromEntries(Object.keys(upstream.servers).map((e) => [e, 1])),
        down: [],
        backup: [],
      }) as RoutingState;
      return { upstream, state: state('routing', upstream.subject, initial) };
    });
    files.set(UPSTREAMS_FILE, renderUpstreams(this.id, upstreams));
    return files;
  }

  private rateLimitFor(subject: Tags): NginxRateLimit {
    return this.find(this.config.rateLimits, subject, 'rate limit');
  }
  private cacheFor(subject: Tags): NginxCache {
    return this.find(this.config.caches, subject, 'cache');
  }
  private upstreamFor(subject: Tags): NginxUpstream {
    return this.find(this.config.upstreams, subject, 'upstream');
  }

  private find<T extends { subject: Record<string, string> }>(
    list: readonly T[],
    subject: Tags,
    what: string,
  ): T {
    const key = subjectKey(subject);
    const found = list.find((item) => subjectKey(item.subject) === key);
    if (!found) {
      throw targetError(
        'unknown_subject',
        `no ${what} configured for subject ${key} on nginx target ${this.id}`,
        {
          retryable: false,
        },
      );
    }
    return found;
  }

  private async readText(name: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.config.dir, name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw targetError('nginx_read_failed', `cannot read ${name} in ${this.config.dir}`, {
        retryable: false,
        cause: err,
      });
    }
  }

  /** Temp file in the same directory, then rename: readers see the old or the new file, never half. */
  private async writeAtomic(name: string, content: string): Promise<void> {
    const path = join(this.config.dir, name);
    const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, content, { mode: 0o644 });
      await rename(temp, path);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw targetError('nginx_write_failed', `cannot write ${path}`, { retryable: false, cause: err });
    }
  }
}
