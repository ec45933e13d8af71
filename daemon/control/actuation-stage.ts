import type { Actuation, ControlKind, ControlStates } from '../../core/actuator.js';
import type { Clock } from '../../core/clock.js';
import { DeferredLoad } from '../../core/deferred-load.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Decision, PastDecision } from '../../core/policy.js';
import type { Store, StoredRecord } from '../../core/store.js';
import { seriesKey, type Tags } from '../../core/tags.js';
import type { ActuatorsConfig } from '../../actuators/config.js';
import { decisionRecord } from '../../actuators/decision-record.js';
import type { GuardedTargets } from '../../actuators/guarded-targets.js';
import { cacheTtlPolicy } from '../../actuators/policies/cache-ttl/cache-ttl-policy.js';
import { rateLimitPolicy } from '../../actuators/policies/rate-limit/rate-limit-policy.js';
import { routingPolicy, type RoutingMemory } from '../../actuators/policies/routing/routing-policy.js';
import { scalingPolicy } from '../../actuators/policies/scaling/scaling-policy.js';
import type { ActuationStage } from './control-loop.js';
import type { DetectionStage } from './detection-stage.js';
import type { ForecastStage } from './forecast-stage.js';
import { evidenceSince, healthOf, toForecast } from './policy-inputs.js';
import type { PolicySignals } from './policy-signals.js';

export interface PolicyActuationOptions {
  config: ActuatorsConfig;
  targets: GuardedTargets;
  store: Store;
  clock: Clock;
  logger: Logger;
  signals: PolicySignals;
  detection?: DetectionStage;
  forecasts?: ForecastStage;
  /** Telemetry older than this makes a policy hold its last state (fail-static). */
  staleAfterMs: number;
  /** An unchanged decision is recorded again at most this often (changes always are). */
  unchangedRecordMs: number;
}

interface Planned {
  policy: 'scaling' | 'rate_limit' | 'cache_ttl' | 'routing';
  control: ControlKind;
  subject: Tags;
  target: string | undefined;
  decide: (
    nowMs: number,
    current: unknown,
    history: readonly PastDecision<unknown, unknown>[],
  ) => Decision<unknown, unknown>;
  /** Why telemetry cannot be trusted now (fail-static), if so. */
  stale: () => string | undefined;
}

interface Remembered {
  history: PastDecision<unknown, unknown>[];
  lastRecorded?: { timeMs: number; fingerprint: string };
}

const HISTORY_MS = 24 * 3_600_000;

/**
 * The control loop's actuation stage: for every configured policy, gather its inputs (current
 * load and health from the store, normal latency and anomaly scores from the detectors, the
 * latest forecast), run the pure policy, and hand the decision to the target's guard (dry-run,
 * bounds, retries, audit). A policy without a target is decided and recorded only. Policies'
 * memory rides on their decision records and is reloaded at start.
 */
export class PolicyActuation implements ActuationStage {
  private readonly plans: Planned[];
  private readonly remembered = new Map<string, Remembered>();
  private readonly log: Logger;
  /** Decision history (policy memory): without it policies hold rather than forget a cooldown. */
  private history: DeferredLoad | undefined;

  constructor(private readonly options: PolicyActuationOptions) {
    this.log = options.logger.child({ component: 'actuation' });
    this.plans = this.plan();
  }

  /** Reloads each policy's recent decisions (and so its memory) from the audit records. */
  load(): Promise<void> {
    this.history = new DeferredLoad(
      () => this.loadHistory(),
      this.log,
      'policies hold until their history loads',
    );
    return this.history.start();
  }

  private async loadHistory(): Promise<void> {
    const now = this.options.clock.now();
    const records = await this.options.store.queryRecords({
      kind: 'decision',
      from: now - HISTORY_MS,
      order: 'asc',
      limit: 10_000,
    });
    for (const r of records) {
      if (r.body.operator || r.body.control === undefined) continue;
      const entry = this.entry(r.body.policy, r.body.subject);
      entry.history.push({ timeMs: r.timeMs, desired: r.body.desired, memory: r.body.memory });
      if (r.body.outcome !== 'held') {
        entry.lastRecorded = {
          timeMs: r.timeMs,
          fingerprint: JSON.stringify([r.body.desired, null, r.body.current ?? null]),
        };
      }
    }
  }

  async run(signal: AbortSignal): Promise<StoredRecord<'decision'>[]> {
    if (this.plans.length === 0) return [];
    await this.history?.ensure();
    await this.options.signals.refresh();
    const out: StoredRecord<'decision'>[] = [];
    for (const plan of this.plans) {
      if (signal.aborted) break;
      try {
        const record = await this.runOne(plan, signal);
        if (record) out.push(record);
      } catch (err) {
        this.log.warn(
          { policy: plan.policy, subject: plan.subject, err: errorMessage(err) },
          'policy failed; holding',
        );
      }
    }
    return out;
  }

  private async runOne(plan: Planned, signal: AbortSignal): Promise<StoredRecord<'decision'> | undefined> {
    const { clock, targets } = this.options;
    const nowMs = clock.now();
    const entry = this.entry(plan.policy, plan.subject);
    entry.history = entry.history.filter((h) => h.timeMs > nowMs - HISTORY_MS);
    let current: unknown;
    if (plan.target) {
      current = await targets
        .readCurrent(plan.target, plan.control, plan.subject, signal)
        .catch(() => undefined);
    }
    const decision = plan.decide(nowMs, current, entry.history);
    entry.history.push({ timeMs: nowMs, desired: decision.desired, memory: decision.memory });
    const stale = plan.stale();
    // Same desired state, same current state, same staleness: nothing new for the audit.
    const fingerprint = JSON.stringify([decision.desired, stale ?? null, current ?? null]);
    const last = entry.lastRecorded;
    if (
      !decision.changed &&
      !stale &&
      last &&
      last.fingerprint === fingerprint &&
      nowMs - last.timeMs < this.options.unchangedRecordMs
    ) {
      return undefined;
    }
    entry.lastRecorded = { timeMs: nowMs, fingerprint };
    const actuation = {
      control: plan.control,
      subject: plan.subject,
      desired: decision.desired,
    } as Actuation;
    const input = {
      actuation,
      policy: plan.policy,
      reasons: decision.reasons,
      suppressed: decision.suppressed,
      memory: decision.memory,
      ...(stale ? { failStatic: stale } : {}),
    };
    if (plan.target) return targets.actuate(plan.target, input, signal);
    return this.recordWithoutTarget(plan, decision, current, stale, nowMs);
  }

  /** A policy with no target: decided and audited, never applied. */
  private async recordWithoutTarget(
    plan: Planned,
    decision: Decision<unknown, unknown>,
    current: unknown,
    stale: string | undefined,
    nowMs: number,
  ): Promise<StoredRecord<'decision'>> {
    const outcome = stale ? 'held' : 'dry_run';
    const record = decisionRecord(nowMs, {
      target: 'none',
      targetKind: 'none',
      policy: plan.policy,
      subject: { ...plan.subject },
      control: plan.control,
      mode: 'dry_run',
      outcome,
      ...(current !== undefined ? { current } : {}),
      desired: decision.desired,
      reasons: stale ? [`held: ${stale}`, ...decision.reasons] : [...decision.reasons],
      suppressed: decision.suppressed.map((s) => ({ stage: s.stage, wanted: s.wanted, reason: s.reason })),
      memory: decision.memory,
    });
    await this.options.store.putRecords([record]);
    return record;
  }

  private entry(policy: string, subject: Tags): Remembered {
    const key = seriesKey(policy, subject);
    let entry = this.remembered.get(key);
    if (!entry) {
      entry = { history: [] };
      this.remembered.set(key, entry);
    }
    return entry;
  }

  /** One plan per configured policy, with its input gathering bound in. */
  private plan(): Planned[] {
    const { config, signals, detection, forecasts } = this.options;
    const scores = () => detection?.latest() ?? [];
    const staleness = (lastDataMs: number | undefined): string | undefined => {
      const now = this.options.clock.now();
      if (lastDataMs === undefined) return 'no telemetry for this subject in the look-back window';
      const age = now - lastDataMs;
      return age > this.options.staleAfterMs
        ? `telemetry is stale: newest data ${Math.round(age / 1000)} s old`
        : undefined;
    };
    const forecastOf = (tags: Tags, measurement: 'api_calls' | 'inbound', nowMs: number) => {
      const record = forecasts?.latest({ ...tags, measurement, signal: 'request_rate' })[0];
      return { forecast: toForecast(record, nowMs), known: record !== undefined };
    };
    const plans: Planned[] = [];
    const p = config.policies;

    for (const c of p.scaling) {
      const subject = { service: c.service };
      signals.want('inbound', ['service']);
      plans.push({
        policy: 'scaling',
        control: 'replicas',
        subject,
        target: c.target,
        stale: () => staleness(signals.get('inbound', ['service'], subject).lastDataMs),
        decide: (nowMs, current, history) => {
          const { forecast, known } = forecastOf(subject, 'inbound', nowMs);
          return scalingPolicy({
            nowMs,
            current: current as ControlStates['replicas'] | undefined,
            config: c,
            history: history as never,
            currentLoad: signals.get('inbound', ['service'], subject).ratePerSecond ?? 0,
            forecast,
            ...(forecast ? {} : { forecastMissing: known ? 'failed' : 'warming_up' }),
          }) as Decision<unknown, unknown>;
        },
      });
    }
    for (const c of p.rateLimit) {
      const subject = { provider: c.provider };
      signals.want('api_calls', ['provider']);
      plans.push({
        policy: 'rate_limit',
        control: 'rate_limit',
        subject,
        target: c.target,
        stale: () => staleness(signals.get('api_calls', ['provider'], subject).lastDataMs),
        decide: (nowMs, current, history) => {
          const now = signals.get('api_calls', ['provider'], subject);
          const { forecast } = forecastOf(subject, 'api_calls', nowMs);
          return rateLimitPolicy({
            nowMs,
            current: current as never,
            config: c,
            history: history as never,
            ...(now.ratePerSecond !== undefined ? { currentRatePerSecond: now.ratePerSecond } : {}),
            ...(forecast ? { forecast } : {}),
            health: healthOf(now, scores(), subject),
          }) as Decision<unknown, unknown>;
        },
      });
    }
    for (const c of p.cacheTtl) {
      const subject = { provider: c.provider, endpoint: c.endpoint };
      signals.want('api_calls', ['endpoint', 'provider']);
      plans.push({
        policy: 'cache_ttl',
        control: 'cache_ttl',
        subject,
        target: c.target,
        stale: () => staleness(signals.get('api_calls', ['endpoint', 'provider'], subject).lastDataMs),
        decide: (nowMs, current, history) =>
          cacheTtlPolicy({
            nowMs,
            current: current as never,
            config: c,
            history: history as never,
            health: healthOf(signals.get('api_calls', ['endpoint', 'provider'], subject), scores(), subject),
          }) as Decision<unknown, unknown>,
      });
    }
    for (const c of p.routing) {
      const subject = { provider: c.provider };
      const endpointTags = c.endpoints.map((e) => {
        const tags: Record<string, string> = { provider: c.provider, ...(e.match ?? { region: e.name }) };
        const groupBy = Object.keys(tags).sort();
        signals.want('api_calls', groupBy);
        return { name: e.name, tags, groupBy };
      });
      plans.push({
        policy: 'routing',
        control: 'routing',
        subject,
        target: c.target,
        // Routing must act exactly when an endpoint goes silent; staleness of all of them holds.
        stale: () => {
          const newest = Math.max(
            ...endpointTags.map((e) => signals.get('api_calls', e.groupBy, e.tags).lastDataMs ?? -Infinity),
          );
          return staleness(Number.isFinite(newest) ? newest : undefined);
        },
        decide: (nowMs, current, history) => {
          const circuits = (history[history.length - 1]?.memory as RoutingMemory | undefined)?.circuits;
          const endpoints: Record<string, object> = {};
          for (const e of endpointTags) {
            const circuit = circuits?.[e.name];
            const { signals: s, scores: evidence } = evidenceSince(
              signals.get('api_calls', e.groupBy, e.tags),
              scores(),
              circuit?.state === 'half_open' ? circuit.sinceMs : undefined,
            );
            const health = healthOf(s, evidence, e.tags);
            const hardFailure = (s.count ?? 0) >= 5 && (s.errorRatio ?? 0) >= 0.95;
            endpoints[e.name] = { ...health, ...(hardFailure ? { hardFailure } : {}) };
          }
          return routingPolicy({
            nowMs,
            current: current as never,
            config: c,
            history: history as never,
            endpoints: endpoints as never,
          }) as Decision<unknown, unknown>;
        },
      });
    }
    return plans;
  }
}
