import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import type { GuardedTargets } from '../../../actuators/guarded-targets.js';
import { InvalidInputError } from '../../../actuators/operator-actions.js';
import { CONTROL_KINDS } from '../../../actuators/control-states.js';
import { HeadroomError, errorMessage } from '../../../core/errors.js';
import { ApiError } from '../api-error.js';
import type { ApiAuth } from '../auth.js';
import { parseRequest } from '../validate.js';
import { apiTimeSchema } from './api-time.js';

const reason = z.string().min(1).max(500).optional();
const subject = z.record(z.string().min(1).max(100), z.string().min(1).max(200));

const pauseBody = z.strictObject({ reason });
const overrideBody = z.strictObject({
  control: z.enum(CONTROL_KINDS),
  subject,
  /** The pinned state, in the control's shape (e.g. `{ "replicas": 12 }`). */
  value: z.unknown(),
  /** End of the override: epoch ms or ISO 8601. */
  until: apiTimeSchema,
  reason,
});
const clearBody = z.strictObject({ control: z.enum(CONTROL_KINDS), subject, reason });

export interface TargetsRouteDeps {
  targets: Pick<GuardedTargets, 'list' | 'get' | 'operator'>;
  auth: ApiAuth;
}

/**
 * GET /targets, GET /targets/{id}: each target's mode, pause, overrides, breaker, last error and
 * per-subject current/desired/last decision. POST /targets/{id}/pause | resume | override |
 * override/clear: operator actions, admin token only, each audited before it takes effect.
 */
export function targetsRouter(deps: TargetsRouteDeps): Router {
  const router = express.Router();
  const { requireAdmin } = deps.auth;

  router.get('/targets', (_req, res) => {
    res.json({ targets: deps.targets.list() });
  });

  router.get('/targets/:id', (req, res) => {
    res.json(statusOf(deps, idOf(req)));
  });

  router.post('/targets/:id/pause', requireAdmin, async (req, res) => {
    const body = parseRequest(pauseBody, withBody(req), 'body');
    const record = await act(() => deps.targets.operator(idOf(req)).pause(body.reason));
    res.json({ target: statusOf(deps, idOf(req)), record });
  });

  router.post('/targets/:id/resume', requireAdmin, async (req, res) => {
    const body = parseRequest(pauseBody, withBody(req), 'body');
    const record = await act(() => deps.targets.operator(idOf(req)).resume(body.reason));
    res.json({ target: statusOf(deps, idOf(req)), record });
  });

  router.post('/targets/:id/override', requireAdmin, async (req, res) => {
    const body = parseRequest(overrideBody, withBody(req), 'body');
    const result = await act(() =>
      deps.targets.operator(idOf(req)).override({
        control: body.control,
        subject: body.subject,
        value: body.value,
        untilMs: body.until,
        ...(body.reason ? { reason: body.reason } : {}),
      }),
    );
    res.json({ target: statusOf(deps, idOf(req)), override: result.operator, decision: result.decision });
  });

  router.post('/targets/:id/override/clear', requireAdmin, async (req, res) => {
    const body = parseRequest(clearBody, withBody(req), 'body');
    const record = await act(() =>
      deps.targets.operator(idOf(req)).clearOverride(body.control, body.subject, body.reason),
    );
    res.json({ target: statusOf(deps, idOf(req)), record });
  });

  return router;
}

function statusOf(deps: TargetsRouteDeps, id: string): unknown {
  const guarded = deps.targets.get(id);
  if (!guarded) throw new ApiError(404, 'not_found', `no target with id "${id}"`);
  return guarded.status();
}

function idOf(req: Request): string {
  return String(req.params.id);
}

/** A POST without a body is an empty object (express.json leaves req.body undefined). */
function withBody(req: Request): Request {
  req.body ??= {};
  return req;
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
