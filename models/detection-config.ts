import { z } from 'zod';
import { MEASUREMENTS } from '../core/rollup.js';
import { SIGNALS } from '../core/signals.js';
import { detectorConfigSchema } from './detectors/config.js';

/** A family of watched series: one measurement, grouped by some tags, several signals each. */
export const watchSchema = z.strictObject({
  measurement: z.enum(MEASUREMENTS),
  /** Tags that identify one watched series; every other tag is merged. */
  groupBy: z.array(z.string().min(1)).min(1),
  signals: z.array(z.enum(SIGNALS)).min(1),
});

/**
 * The `models.detection` section: which signals the daemon scores, how often, and with which
 * detector. Validation only; the daemon's control loop runs it.
 */
export const detectionConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Step each series is scored at (rollups are merged into it). */
  stepSeconds: z.number().int().min(1).max(3600).default(60),
  /**
   * How long after a step ends it is scored: rollups of an interval arrive after the interval
   * closes plus the collectors' grace period.
   */
  lagSeconds: z.number().int().min(0).max(3600).default(30),
  /** Points scoring at or above this become anomaly records. */
  threshold: z.number().gt(0).max(1).default(0.5),
  /** After a restart, missed steps up to this far back are scored before new ones. */
  catchUpMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  /** Most series scored per signal (the rest are counted and skipped). */
  maxSeries: z.number().int().min(1).default(5000),
  /** How often detector state is written to `<dataDir>/state/detectors.json` (also on stop). */
  snapshotIntervalSeconds: z.number().int().min(5).default(300),
  /** Detector per series; at the default 60 s step, 360 warm-up points are six hours. */
  detector: detectorConfigSchema.prefault({ type: 'novelty', warmupPoints: 360 }),
  watch: z
    .array(watchSchema)
    .min(1)
    .default([
      {
        measurement: 'api_calls',
        groupBy: ['provider', 'endpoint', 'region'],
        signals: ['request_rate', 'error_ratio', 'latency_p95_ms'],
      },
      {
        measurement: 'inbound',
        groupBy: ['service'],
        signals: ['request_rate', 'error_ratio', 'latency_p95_ms'],
      },
    ]),
});

export type DetectionConfig = z.infer<typeof detectionConfigSchema>;
export type WatchConfig = z.infer<typeof watchSchema>;
