import { z } from 'zod';
import { CONTROL_KINDS } from '../../../actuators/control-states.js';
import { ACTUATION_MODES, DECISION_OUTCOMES, decisionBodySchema } from '../../../core/records/decision.js';

const tags = z.record(z.string(), z.string());

/** A target as GET /targets shows it (actuators/target-status.ts). */
export const targetStatusSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    mode: z.enum(ACTUATION_MODES),
    controls: z.array(z.enum(CONTROL_KINDS)),
    started: z.boolean().meta({ description: 'False until the target started; retried on each decision.' }),
    paused: z.object({ sinceMs: z.number().int(), reason: z.string().optional() }).nullable(),
    overrides: z.array(
      z.object({
        control: z.enum(CONTROL_KINDS),
        subject: tags,
        value: z.unknown(),
        untilMs: z.number().int(),
        setAtMs: z.number().int(),
        reason: z.string().optional(),
      }),
    ),
    breaker: z.enum(['closed', 'open', 'half_open', 'isolated']),
    lastError: z.object({ message: z.string(), atMs: z.number().int(), decisionId: z.string() }).nullable(),
    consecutiveFailures: z.number().int(),
    subjects: z.array(
      z.object({
        control: z.enum(CONTROL_KINDS),
        subject: tags,
        current: z.unknown().optional().meta({ description: 'Last state read back from the target.' }),
        desired: z
          .unknown()
          .optional()
          .meta({ description: 'Last effective desired state (after override and bounds).' }),
        lastDecision: z
          .object({
            id: z.string(),
            timeMs: z.number().int(),
            outcome: z.enum(DECISION_OUTCOMES),
            policy: z.string(),
          })
          .optional(),
        lastApplied: z.object({ state: z.unknown(), timeMs: z.number().int() }).optional(),
      }),
    ),
  })
  .meta({ id: 'Target' });

/** A stored decision record, as operator actions answer it. */
export const decisionRecordSchema = z
  .object({
    kind: z.literal('decision'),
    id: z.string(),
    timeMs: z.number().int(),
    tags,
    body: decisionBodySchema,
  })
  .meta({ id: 'DecisionRecord' });

export const targetsResponseSchema = z.object({ targets: z.array(targetStatusSchema) });
export const operatorResponseSchema = z.object({ target: targetStatusSchema, record: decisionRecordSchema });
export const overrideResponseSchema = z.object({
  target: targetStatusSchema,
  override: decisionRecordSchema.meta({ description: 'The audit record of the override itself.' }),
  decision: decisionRecordSchema.meta({ description: 'The decision that applied the pinned value.' }),
});

const T = 1767621600000;

/** Example: a webhook target in dry-run, with one subject decided. */
export const exampleTarget = {
  id: 'edge-proxy',
  kind: 'webhook',
  mode: 'dry_run' as const,
  controls: ['cache_ttl' as const, 'rate_limit' as const, 'replicas' as const, 'routing' as const],
  started: true,
  paused: null,
  overrides: [],
  breaker: 'closed' as const,
  lastError: null,
  consecutiveFailures: 0,
  subjects: [
    {
      control: 'replicas' as const,
      subject: { service: 'checkout' },
      current: { replicas: 4 },
      desired: { replicas: 6 },
      lastDecision: {
        id: '0mk1bt2o0-000c-8e4a1f07c3d2',
        timeMs: T,
        outcome: 'dry_run' as const,
        policy: 'scaling',
      },
    },
  ],
};

/** Example: the audit record of an operator pause. */
export const examplePauseRecord = {
  kind: 'decision' as const,
  id: '0mk1bt2o0-000d-2b9e60a1d4f7',
  timeMs: T,
  tags: { target: 'edge-proxy', policy: 'operator' },
  body: {
    target: 'edge-proxy',
    targetKind: 'webhook',
    policy: 'operator',
    subject: {},
    mode: 'dry_run' as const,
    outcome: 'paused' as const,
    desired: null,
    reasons: ['an operator paused: provider incident 77'],
    suppressed: [],
    operator: { action: 'pause' as const, reason: 'provider incident 77' },
  },
};
