import { z } from 'zod';

export const ACTUATION_MODES = ['dry_run', 'enforce'] as const;
export type ActuationMode = (typeof ACTUATION_MODES)[number];

/**
 * What happened to a decision:
 * - `applied`: enforce mode, the target accepted the desired state;
 * - `dry_run`: decided and recorded, not applied (the default mode);
 * - `unchanged`: desired equals current, nothing to do;
 * - `held`: fail-static, the last applied state was kept (stale telemetry, model failure);
 * - `paused` / `overridden`: an operator paused the target or pinned a value;
 * - `failed`: the target refused or was unreachable after retries;
 * - `resumed`: an operator resumed a paused target (operator action records only).
 */
export const DECISION_OUTCOMES = [
  'applied',
  'dry_run',
  'unchanged',
  'held',
  'paused',
  'overridden',
  'failed',
  'resumed',
] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** A suppressed change: what the calculation wanted and why it did not happen. */
export const suppressionSchema = z.object({
  /** The policy stage that held the change back (calculate, stabilise, rate_limit, clamp). */
  stage: z.string().optional(),
  wanted: z.unknown(),
  reason: z.string(),
});

export const OPERATOR_ACTIONS = ['pause', 'resume', 'override', 'clear_override'] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

/** What an operator did through the API (pause, resume, pin a value), on operator records. */
export const operatorActionSchema = z.object({
  action: z.enum(OPERATOR_ACTIONS),
  reason: z.string().optional(),
  /** End of an override (epoch ms). */
  untilMs: z.number().optional(),
});

/**
 * A stored decision (the audit record): `timeMs` is when it was made; tags are `target`,
 * `policy`, `outcome`, `control` (when set) and the subject's tags (service / provider / endpoint).
 * Operator actions (pause, resume, override) are decisions too, with policy `operator`.
 */
export const decisionBodySchema = z.object({
  target: z.string(),
  targetKind: z.string(),
  policy: z.string(),
  subject: z.record(z.string(), z.string()),
  /** The control decided (ControlKind); absent on target-wide operator records (pause/resume). */
  control: z.string().optional(),
  mode: z.enum(ACTUATION_MODES),
  outcome: z.enum(DECISION_OUTCOMES),
  /** State read back from the target before deciding, when known. */
  current: z.unknown().optional(),
  /** What the policy wants. */
  desired: z.unknown(),
  /** Readable reasons, most important first. */
  reasons: z.array(z.string()),
  suppressed: z.array(suppressionSchema),
  error: z.string().optional(),
  /** Set on records of operator actions. */
  operator: operatorActionSchema.optional(),
  /**
   * The policy's own state for its next decision (stabilisation recommendation, circuits, AIMD
   * limit): stored with the decision so a restarted daemon continues where it stopped.
   */
  memory: z.unknown().optional(),
});
export type DecisionBody = z.infer<typeof decisionBodySchema>;
