import { Redis } from 'ioredis';
import type {
  Actuation,
  ActuationContext,
  ControlKind,
  ControlStates,
  Target,
} from '../../../core/actuator.js';
import type { Clock } from '../../../core/clock.js';
import { errorMessage } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { redactSecrets, redactUrl } from '../../../core/redact.js';
import type { Tags } from '../../../core/tags.js';
import { statesEqual, subjectKey } from '../../control-states.js';
import type { TargetConfigOf } from '../../config.js';
import { targetError } from '../target-error.js';

/** Version of the JSON document layout below; bumped only on incompatible changes. */
export const POLICY_DOCUMENT_SCHEMA = 1;

/**
 * The document stored at `<keyPrefix><control>:<subject>` and published on the channel. Clients
 * keep the highest `revision` per key and ignore older messages (pub/sub may reorder across
 * reconnects; the key is the source of truth, so a client that missed messages re-reads keys).
 */
export interface PolicyDocument {
  schema: typeof POLICY_DOCUMENT_SCHEMA;
  key: string;
  control: ControlKind;
  subject: Record<string, string>;
  state: unknown;
  /** Increases by one on every change of this key. */
  revision: number;
  updatedAtMs: number;
  updatedAt: string;
  /** Headroom target id and, when known, the decision (audit record id) and policy behind it. */
  target: string;
  decisionId?: string;
  policy?: string;
}

const WATCH_RETRIES = 3;
const ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * Publishes policy documents (limits, TTLs, weights) to Redis so application-side clients across
 * a fleet apply them: each (control, subject) is one key holding a JSON PolicyDocument, and every
 * change is also published on one channel. Writes are WATCH/MULTI/EXEC so the key and the message
 * change together and concurrent writers cannot lose a revision. Redis being down, loading or
 * read-only is retryable; authentication and ACL refusals are not.
 */
export class RedisTarget implements Target {
  readonly id: string;
  readonly kind = 'redis';
  readonly controls: readonly ControlKind[];
  private readonly log: Logger;
  private readonly secrets: readonly string[];
  private client: Redis | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private lastErrorLogMs = -Infinity;
  /** The last connection-level error (ioredis reports auth failures there, not on commands). */
  private lastConnectionError: string | undefined;

  constructor(
    private readonly config: TargetConfigOf<'redis'>,
    private readonly deps: { logger: Logger; clock: Clock },
  ) {
    this.id = config.id;
    this.controls = config.controls;
    this.log = deps.logger.child({ component: 'target', target: config.id, kind: 'redis' });
    const url = new URL(config.url);
    this.secrets = [config.password, decodeURIComponent(url.password), url.password].filter(
      (s): s is string => !!s,
    );
  }

  /** Connects in the background: a Redis that is down at start-up is retried, not fatal. */
  async start(): Promise<void> {
    if (this.client) return;
    const client = new Redis(this.config.url, {
      ...(this.config.username ? { username: this.config.username } : {}),
      ...(this.config.password ? { password: this.config.password } : {}),
      lazyConnect: true,
      // Fail commands at once while disconnected instead of queueing them without bound.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: this.config.connectTimeoutMs,
      commandTimeout: this.config.commandTimeoutMs,
      retryStrategy: (times) => Math.min(200 * times, 5_000),
    });
    client.on('error', (err: unknown) => {
      this.lastConnectionError = errorMessage(err);
      this.logError(err);
    });
    client.on('ready', () => {
      this.lastConnectionError = undefined;
    });
    this.client = client;
    await client.connect().catch((err: unknown) => this.logError(err));
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await this.queue.catch(() => undefined);
    client.disconnect();
  }

  /** The key of one (control, subject). */
  keyFor(control: ControlKind, subject: Tags): string {
    return `${this.config.keyPrefix}${control}:${subjectKey(subject)}`;
  }

  async read<C extends ControlKind>(
    control: C,
    subject: Tags,
    _signal?: AbortSignal,
  ): Promise<ControlStates[C] | undefined> {
    this.checkControl(control);
    const doc = await this.readDocument(this.keyFor(control, subject));
    return doc?.state as ControlStates[C] | undefined;
  }

  apply(actuation: Actuation, signal: AbortSignal, context?: ActuationContext): Promise<void> {
    const run = this.queue.then(() => this.applyNow(actuation, signal, context));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(
    actuation: Actuation,
    signal: AbortSignal,
    context?: ActuationContext,
  ): Promise<void> {
    this.checkControl(actuation.control);
    const client = this.connected();
    const key = this.keyFor(actuation.control, actuation.subject);
    for (let attempt = 0; attempt <= WATCH_RETRIES; attempt++) {
      signal.throwIfAborted();
      await this.call(() => client.watch(key));
      const current = await this.readDocument(key);
      if (current && statesEqual(current.state, actuation.desired)) {
        await this.call(() => client.unwatch());
        return;
      }
      const nowMs = this.deps.clock.now();
      const doc: PolicyDocument = {
        schema: POLICY_DOCUMENT_SCHEMA,
        key,
        control: actuation.control,
        subject: { ...actuation.subject },
        state: actuation.desired,
        revision: (current?.revision ?? 0) + 1,
        updatedAtMs: nowMs,
        updatedAt: new Date(nowMs).toISOString(),
        target: this.id,
        ...(context ? { decisionId: context.decisionId, policy: context.policy } : {}),
      };
      const json = JSON.stringify(doc);
      const result = await this.call(() =>
        client.multi().set(key, json).publish(this.config.channel, json).exec(),
      );
      if (result !== null) {
        const failed = result.find(([err]) => err);
        if (failed) throw this.classify(failed[0]);
        return;
      }
      // null: the key changed between WATCH and EXEC (another writer); read again and retry.
    }
    throw targetError('redis_conflict', `key ${key} kept changing under concurrent writers`, {
      retryable: true,
    });
  }

  private async readDocument(key: string): Promise<PolicyDocument | undefined> {
    const client = this.connected();
    const text = await this.call(() => client.get(key));
    if (text === null) return undefined;
    try {
      const doc = JSON.parse(text) as PolicyDocument;
      return doc && typeof doc === 'object' && typeof doc.revision === 'number' ? doc : undefined;
    } catch {
      // Not ours (or damaged): report "unknown" so the next apply rewrites it.
      this.log.warn({ key }, 'policy key does not hold a Headroom document; it will be overwritten');
      return undefined;
    }
  }

  private connected(): Redis {
    if (!this.client) {
      throw targetError('not_started', `redis target ${this.id} is not started`, { retryable: true });
    }
    return this.client;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.classify(err);
    }
  }

  private classify(err: unknown): Error {
    let message = errorMessage(err);
    const where = redactUrl(this.config.url);
    // While disconnected every command fails with "Stream isn't writeable"; the reason is the
    // connection's last error (a refused AUTH is permanent, a refused connection is not).
    if (this.client?.status !== 'ready' && this.lastConnectionError) message = this.lastConnectionError;
    if (/^(NOAUTH|WRONGPASS|NOPERM)\b/.test(message)) {
      return targetError('redis_auth', `redis at ${where} refused: ${message}`, {
        retryable: false,
        secrets: this.secrets,
      });
    }
    return targetError('redis_unavailable', `redis at ${where}: ${message}`, {
      retryable: true,
      cause: err,
      secrets: this.secrets,
    });
  }

  private checkControl(control: ControlKind): void {
    if (!this.controls.includes(control)) {
      throw targetError('unsupported_control', `redis target ${this.id} is not configured for ${control}`, {
        retryable: false,
      });
    }
  }

  /** Connection errors repeat every reconnect: log at most once a minute. */
  private logError(err: unknown): void {
    const now = this.deps.clock.now();
    if (now - this.lastErrorLogMs < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLogMs = now;
    this.log.warn({ err: redactSecrets(errorMessage(err), this.secrets) }, 'redis connection problem');
  }
}
