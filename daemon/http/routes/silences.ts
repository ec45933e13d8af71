import type { Router } from 'express';
import { z } from 'zod';
import type { NewSilence } from '../../../alerts/alerts-service.js';
import type { Clock } from '../../../core/clock.js';
import type { StoredRecord } from '../../../core/store.js';
import { ApiError } from '../api-error.js';
import type { ApiAuth } from '../auth.js';
import { parseRequest } from '../validate.js';

/** What the silences routes need from the alerts module. */
export interface SilencesApi {
  createSilence(input: NewSilence): Promise<StoredRecord<'silence'>>;
  listSilences(state: 'active' | 'all'): StoredRecord<'silence'>[];
  expireSilence(id: string): Promise<StoredRecord<'silence'> | undefined>;
}

const MAX_SILENCE_MS = 90 * 24 * 3600_000;
const MATCHER_KEYS = /^[a-z][a-z0-9_]{0,63}$/;

const createSchema = z
  .strictObject({
    /** e.g. { "provider": "stripe" }; `*` at the end of a value matches by prefix. */
    matchers: z
      .record(
        z.string().regex(MATCHER_KEYS, 'matcher keys are lower-case tag names'),
        z.string().min(1).max(200),
      )
      .refine((m) => Object.keys(m).length > 0, 'at least one matcher is required'),
    startsMs: z.number().int().positive().optional(),
    endsMs: z.number().int().positive().optional(),
    durationMinutes: z
      .number()
      .positive()
      .max(MAX_SILENCE_MS / 60_000)
      .optional(),
    createdBy: z.string().trim().min(1).max(100),
    comment: z.string().trim().min(1).max(1_000),
  })
  .superRefine((b, ctx) => {
    if ((b.endsMs === undefined) === (b.durationMinutes === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['endsMs'],
        message: 'give exactly one of endsMs or durationMinutes',
      });
    }
  });

const listSchema = z.strictObject({ state: z.enum(['active', 'all']).optional() });
const idSchema = z.strictObject({ id: z.uuid() });

export function silenceView(record: StoredRecord<'silence'>, nowMs: number): Record<string, unknown> {
  const { body } = record;
  const state = nowMs < body.startsMs ? 'pending' : nowMs < body.endsMs ? 'active' : 'expired';
  return { id: record.id, state, ...body };
}

/**
 * `POST /api/v1/silences` (admin): `{ matchers, endsMs | durationMinutes, startsMs?, createdBy,
 * comment }` → 201. `GET /api/v1/silences?state=active|all`. `DELETE /api/v1/silences/:id`
 * (admin) expires the silence now (kept for the record) → 200, or 404.
 */
export function mountSilenceRoutes(router: Router, auth: ApiAuth, alerts: SilencesApi, clock: Clock): void {
  router.post('/silences', auth.requireAdmin, async (req, res) => {
    const body = parseRequest(createSchema, req, 'body');
    const now = clock.now();
    const startsMs = body.startsMs ?? now;
    const endsMs = body.endsMs ?? startsMs + body.durationMinutes! * 60_000;
    if (endsMs <= Math.max(now, startsMs)) {
      throw new ApiError(
        400,
        'invalid_body',
        'body field "endsMs": must be in the future and after startsMs',
        'endsMs',
      );
    }
    if (endsMs - startsMs > MAX_SILENCE_MS) {
      throw new ApiError(
        400,
        'invalid_body',
        'body field "endsMs": a silence lasts at most 90 days',
        'endsMs',
      );
    }
    const silence = await alerts.createSilence({
      matchers: body.matchers,
      startsMs,
      endsMs,
      createdBy: body.createdBy,
      comment: body.comment,
    });
    res.status(201).json({ silence: silenceView(silence, now) });
  });

  router.get('/silences', (req, res) => {
    const q = parseRequest(listSchema, req);
    const now = clock.now();
    res.json({ silences: alerts.listSilences(q.state ?? 'active').map((s) => silenceView(s, now)) });
  });

  router.delete('/silences/:id', auth.requireAdmin, async (req, res) => {
    const { id } = parseRequest(idSchema, req, 'params');
    const silence = await alerts.expireSilence(id);
    if (!silence) throw new ApiError(404, 'not_found', `no silence ${id}`);
    res.json({ silence: silenceView(silence, clock.now()) });
  });
}
