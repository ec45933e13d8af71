import type { z } from 'zod';
import { anomalyBodySchema } from './anomaly.js';
import { decisionBodySchema } from './decision.js';
import { forecastBodySchema } from './forecast.js';
import { incidentBodySchema } from './incident.js';
import { silenceBodySchema } from './silence.js';

/**
 * Every kind of record the store keeps besides rollups, with the schema of its body. One generic
 * table/measurement holds them all; adding a kind is adding a line here.
 */
export const RECORD_SCHEMAS = {
  anomaly: anomalyBodySchema,
  decision: decisionBodySchema,
  forecast: forecastBodySchema,
  incident: incidentBodySchema,
  silence: silenceBodySchema,
} as const;

export type RecordKind = keyof typeof RECORD_SCHEMAS;
export type RecordBody<K extends RecordKind> = z.infer<(typeof RECORD_SCHEMAS)[K]>;
export const RECORD_KINDS = Object.keys(RECORD_SCHEMAS) as RecordKind[];

export * from './anomaly.js';
export * from './decision.js';
export * from './forecast.js';
export * from './incident.js';
export * from './silence.js';
