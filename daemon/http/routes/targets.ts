import { z } from 'zod';
import type { GuardedTargets } from '../../../actuators/guarded-targets.js';
import { InvalidInputError } from '../../../actuators/operator-actions.js';
import { CONTROL_KINDS } from '../../../actuators/control-states.js';
import { HeadroomError, errorMessage } from '../../../core/errors.js';
import { ApiError } from '../api-error.js';
import { defineRoute, type ApiRoutes } from '../api-route.js';
import { apiTimeSchema } from './api-time.js';
import {
  examplePauseRecord,
  exampleTarget,
  operatorResponseSchema,
  overrideResponseSchema,
  targetsResponseSchema,
  targetStatusSchema,
} from './target-schemas.js';

const reason = z.string().min(1).max(500).optional().meta({ description: 'Recorded in the audit log.' });
const subject = z
  .record(z.string().min(1).max(100), z.string().min(1).max(200))
  .meta({ description: 'The subject\'s tags, e.g. { "service": "checkout" }.' });

const idParams = z.strictObject({
  id: z.string().meta({ description: 'Target id, as configured in actuators.targets.' }),
});
const pauseBody = z.strictObject({ reason });
const overrideBody = z.strictObject({
  control: z.enum(CONTROL_KINDS),
  subject,
  value: z
    .unknown()
    .meta({ description: 'The pinned state, in the control\'s shape (e.g. { "replicas": 12 }).' }),
  until: apiTimeSchema.meta({ description: 'End of the override: epoch ms or ISO 8601.' }),
  reason,
});
const clearBody = z.strictObject({ control: z.enum(CONTROL_KINDS), subject, reason });

export interface TargetsRouteDeps {
  targets: Pick<GuardedTargets, 'list' | 'get' | 'operator'>;
}

const AUDITED =
  'Admin token only; written to the audit log (a decision with policy `operator`) before it ' +
  'takes effect, and restored from there after a restart.';

/**
 * GET /targets, GET /targets/{id}: each target's mode, pause, overrides, breaker, last error and
 * per-subject current/desired/last decision. POST /targets/{id}/pause | resume | override |
 * override/clear: operator actions, admin token only, each audited before it takes effect.
 */
export function mountTargetsRoutes(api: ApiRoutes, deps: TargetsRouteDeps): void {
  defineRoute(api, {
    method: 'get',
    path: '/targets',
    tags: ['actuation'],
    auth: 'read',
    summary: "Every target's mode, pause, overrides, breaker, last error and subjects",
    response: { description: 'All configured targets.', schema: targetsResponseSchema },
    examples: { response: { targets: [exampleTarget] } },
    handler: () => ({ targets: deps.targets.list() }),
  });

  defineRoute(api, {
    method: 'get',
    path: '/targets/:id',
    tags: ['actuation'],
    auth: 'read',
    summary: "One target's status: per subject, current vs desired state and the last decision",
    params: idParams,
    response: { description: 'The target.', schema: targetStatusSchema },
    examples: { request: { params: { id: 'edge-proxy' } }, response: exampleTarget },
    handler: ({ params }) => statusOf(deps, params.id),
  });

  defineRoute(api, {
    method: 'post',
    path: '/targets/:id/pause',
    tags: ['actuation'],
    auth: 'admin',
    summary: 'Pause a target: decisions are still made and recorded, none is applied',
    description: AUDITED,
    params: idParams,
    body: pauseBody,
    errors: [503],
    response: { description: 'The target and the audit record.', schema: operatorResponseSchema },
    examples: {
      request: { params: { id: 'edge-proxy' }, body: { reason: 'provider incident 77' } },
      response: {
        target: {
          ...exampleTarget,
          paused: { sinceMs: examplePauseRecord.timeMs, reason: 'provider incident 77' },
        },
        record: examplePauseRecord,
      },
    },
    handler: async ({ params, body }) => {
      const record = await act(() => deps.targets.operator(params.id).pause(body.reason));
      return { target: statusOf(deps, params.id), record };
    },
  });

  defineRoute(api, {
    method: 'post',
    path: '/targets/:id/resume',
    tags: ['actuation'],
    auth: 'admin',
    summary: 'Resume a paused target',
    description: AUDITED,
    params: idParams,
    body: pauseBody,
    errors: [503],
    response: { description: 'The target and the audit record.', schema: operatorResponseSchema },
    examples: {
      request: { params: { id: 'edge-proxy' }, body: {} },
      response: {
        target: exampleTarget,
        record: {
          ...examplePauseRecord,
          body: {
            ...examplePauseRecord.body,
            outcome: 'resumed',
            reasons: ['an operator resumed'],
            operator: { action: 'resume' },
          },
        },
      },
    },
    handler: async ({ params, body }) => {
      const record = await act(() => deps.targets.operator(params.id).resume(body.reason));
      return { target: statusOf(deps, params.id), record };
    },
  });

  defineRoute(api, {
    method: 'post',
    path: '/targets/:id/override',
    tags: ['actuation'],
    auth: 'admin',
    summary: 'Pin a control of one subject to a value until a time, and apply it at once',
    description: `${AUDITED} Bounds still win over a pinned value; the target's mode (dry-run or enforce) applies.`,
    params: idParams,
    body: overrideBody,
    errors: [503],
    response: {
      description: 'The target, the override record and the decision that applied it.',
      schema: overrideResponseSchema,
    },
    examples: {
      request: {
        params: { id: 'edge-proxy' },
        body: {
          control: 'replicas',
          subject: { service: 'checkout' },
          value: { replicas: 12 },
          until: '2026-01-05T18:00:00Z',
          reason: 'launch',
        },
      },
      response: overrideExample(),
    },
    handler: async ({ params, body }) => {
      const result = await act(() =>
        deps.targets.operator(params.id).override({
          control: body.control,
          subject: body.subject,
          value: body.value,
          untilMs: body.until,
          ...(body.reason ? { reason: body.reason } : {}),
        }),
      );
      return { target: statusOf(deps, params.id), override: result.operator, decision: result.decision };
    },
  });

  defineRoute(api, {
    method: 'post',
    path: '/targets/:id/override/clear',
    tags: ['actuation'],
    auth: 'admin',
    summary: 'Clear the override of one control and subject',
    description: AUDITED,
    params: idParams,
    body: clearBody,
    errors: [503],
    response: { description: 'The target and the audit record.', schema: operatorResponseSchema },
    examples: {
      request: {
        params: { id: 'edge-proxy' },
        body: { control: 'replicas', subject: { service: 'checkout' } },
      },
      response: {
        target: exampleTarget,
        record: {
          ...examplePauseRecord,
          tags: {
            service: 'checkout',
            target: 'edge-proxy',
            policy: 'operator',
            outcome: 'resumed',
            control: 'replicas',
          },
          body: {
            ...examplePauseRecord.body,
            subject: { service: 'checkout' },
            control: 'replicas',
            outcome: 'resumed',
            reasons: ['an operator cleared an override'],
            operator: { action: 'clear_override' },
          },
        },
      },
    },
    handler: async ({ params, body }) => {
      const record = await act(() =>
        deps.targets.operator(params.id).clearOverride(body.control, body.subject, body.reason),
      );
      return { target: statusOf(deps, params.id), record };
    },
  });
}

function statusOf(deps: TargetsRouteDeps, id: string) {
  const guarded = deps.targets.get(id);
  if (!guarded) throw new ApiError(404, 'not_found', `no target with id "${id}"`);
  return guarded.status();
}

/** Maps operator-action errors to API errors: unknown target 404, bad input 400, audit down 503. */
async function act<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof InvalidInputError) {
      throw new ApiError(400, 'invalid_body', `body field "${err.field}": ${err.message}`, err.field);
    }
    if (err instanceof HeadroomError && err.code === 'unknown_target')
      throw new ApiError(404, 'not_found', err.message);
    if (err instanceof HeadroomError && err.code === 'audit_unavailable') {
      throw new ApiError(503, 'audit_unavailable', errorMessage(err));
    }
    throw err;
  }
}

function overrideExample(): z.input<typeof overrideResponseSchema> {
  const untilMs = Date.parse('2026-01-05T18:00:00Z');
  const subjectTags = { service: 'checkout' };
  const { operator: _operator, ...pauseBody } = examplePauseRecord.body;
  const base = {
    ...pauseBody,
    subject: subjectTags,
    control: 'replicas',
    outcome: 'overridden' as const,
    desired: { replicas: 12 },
  };
  return {
    target: {
      ...exampleTarget,
      overrides: [
        {
          control: 'replicas',
          subject: subjectTags,
          value: { replicas: 12 },
          untilMs,
          setAtMs: examplePauseRecord.timeMs,
          reason: 'launch',
        },
      ],
    },
    override: {
      ...examplePauseRecord,
      tags: {
        ...subjectTags,
        target: 'edge-proxy',
        policy: 'operator',
        outcome: 'overridden',
        control: 'replicas',
      },
      body: {
        ...base,
        reasons: ['an operator pinned a value: launch'],
        operator: { action: 'override', reason: 'launch', untilMs },
      },
    },
    decision: {
      ...examplePauseRecord,
      id: '0mk1bt2o0-000e-71c03a9be2f5',
      tags: {
        ...subjectTags,
        target: 'edge-proxy',
        policy: 'operator',
        outcome: 'overridden',
        control: 'replicas',
      },
      body: {
        ...base,
        current: { replicas: 4 },
        reasons: ['operator override applied when set'],
      },
    },
  };
}
