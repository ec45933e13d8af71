import type { Clock } from '../../core/clock.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Store, StoredRecord } from '../../core/store.js';
import { getMeter, inSpan } from '../../core/telemetry.js';
import type { AlertsService } from '../../alerts/alerts-service.js';
import type { DetectionStage } from './detection-stage.js';
import type { ForecastStage } from './forecast-stage.js';

/** Decides and applies (policies → guarded targets); returns the audit records it produced. */
export interface ActuationStage {
  run(signal: AbortSignal): Promise<StoredRecord<'decision'>[]>;
}

export interface ControlLoopOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  detection?: DetectionStage;
  forecasts?: ForecastStage;
  actuation?: ActuationStage;
  alerts?: AlertsService;
}

/**
 * One pass of the daemon's control loop (DESIGN.md "Data flow"), in order: score the closed steps
 * (anomalies stored), decide and apply (decisions audited by the guard), then hand what is new to
 * the alerts. Each stage is a span; a failing stage is logged, counted and skipped so the others
 * still run (actuation then holds, fail-static, on its own). Forecasts are issued on their own
 * schedule; the loop passes the newest to the alerts once.
 */
export class ControlLoop {
  private readonly log: Logger;
  private readonly failures;
  private forecastsSeenMs = 0;
  private lastRun: { timeMs: number; anomalies: number; decisions: number; errors: string[] } | undefined;

  constructor(private readonly options: ControlLoopOptions) {
    this.log = options.logger.child({ component: 'control-loop' });
    this.failures = getMeter().createCounter('headroom_control_stage_failures', {
      description: 'Control-loop stages that failed, by stage',
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { detection, actuation, alerts, forecasts, store, clock } = this.options;
    const errors: string[] = [];
    const stage = async <T>(name: string, fn: () => Promise<T>, fallback: T): Promise<T> => {
      try {
        return await inSpan(`control ${name}`, fn);
      } catch (err) {
        this.failures.add(1, { stage: name });
        errors.push(`${name}: ${errorMessage(err)}`);
        this.log.warn({ stage: name, err: errorMessage(err) }, 'control-loop stage failed');
        return fallback;
      }
    };
    const anomalies = detection
      ? await stage(
          'detect',
          async () => {
            const found = await detection.run();
            await store.putRecords(found);
            return found;
          },
          [] as StoredRecord<'anomaly'>[],
        )
      : [];
    if (detection && signal.aborted) return;
    const decisions = actuation
      ? await stage('actuate', () => actuation.run(signal), [] as StoredRecord<'decision'>[])
      : [];
    if (alerts) {
      const newForecasts = (forecasts?.latest() ?? []).filter((f) => f.timeMs > this.forecastsSeenMs);
      await stage('alert', () => alerts.ingest({ anomalies, decisions, forecasts: newForecasts }), undefined);
      for (const f of newForecasts) this.forecastsSeenMs = Math.max(this.forecastsSeenMs, f.timeMs);
    }
    this.lastRun = { timeMs: clock.now(), anomalies: anomalies.length, decisions: decisions.length, errors };
  }

  status(): Record<string, unknown> {
    return { lastRun: this.lastRun ?? null };
  }
}
