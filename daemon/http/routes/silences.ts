import { z } from 'zod';
import type { NewSilence } from '../../../alerts/alerts-service.js';
import type { Clock } from '../../../core/clock.js';
import { silenceBodySchema } from '../../../core/records/silence.js';
import type { StoredRecord } from '../../../core/store.js';
import { ApiError } from '../api-error.js';
import { defineRoute, type ApiRoutes } from '../api-route.js';

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
    matchers: z
      .record(
        z.string().regex(MATCHER_KEYS, 'matcher keys are lower-case tag names'),
        z.string().min(1).max(200),
      )
      .refine((m) => Object.keys(m).length > 0, 'at least one matcher is required')
      .meta({ description: 'e.g. { "provider": "stripe" }; `*` at the end of a value matches by prefix.' }),
    startsMs: z.number().int().positive().optional().meta({ description: 'Default: now (epoch ms).' }),
    endsMs: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'End (epoch ms); give exactly one of endsMs or durationMinutes.' }),
    durationMinutes: z
      .number()
      .positive()
      .max(MAX_SILENCE_MS / 60_000)
      .optional()
      .meta({ description: 'Length from startsMs; at most 90 days.' }),
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

const listSchema = z.strictObject({
  state: z
    .enum(['active', 'all'])
    .optional()
    .meta({ description: 'active (default): pending or in force; all: expired ones too.' }),
});
const idSchema = z.strictObject({ id: z.uuid() });

const silenceSchema = z
  .object({
    id: z.uuid(),
    state: z.enum(['pending', 'active', 'expired']),
    ...silenceBodySchema.shape,
  })
  .meta({ id: 'Silence' });
const oneSilenceSchema = z.object({ silence: silenceSchema });

const START = 1767621600000;
const exampleSilence = {
  id: '9b2e4f6a-1c3d-4e5f-8a7b-0c1d2e3f4a5b',
  state: 'active' as const,
  matchers: { provider: 'stripe' },
  startsMs: START,
  endsMs: START + 3_600_000,
  createdBy: 'ana',
  comment: 'stripe maintenance window',
};

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
export function mountSilenceRoutes(api: ApiRoutes, alerts: SilencesApi, clock: Clock): void {
  defineRoute(api, {
    method: 'post',
    path: '/silences',
    tags: ['incidents'],
    auth: 'admin',
    summary: 'Silence notifications of incidents whose tags match, for a while',
    description: 'Incidents still open and update; only their notifications are held back.',
    body: createSchema,
    response: { status: 201, description: 'The silence.', schema: oneSilenceSchema },
    examples: {
      request: {
        body: {
          matchers: { provider: 'stripe' },
          durationMinutes: 60,
          createdBy: 'ana',
          comment: 'stripe maintenance window',
        },
      },
      response: { silence: exampleSilence },
    },
    handler: async ({ body }) => {
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
      return { silence: silenceView(silence, now) };
    },
  });

  defineRoute(api, {
    method: 'get',
    path: '/silences',
    tags: ['incidents'],
    auth: 'read',
    summary: 'Silences in force or pending (or all, with expired ones)',
    query: listSchema,
    response: { description: 'Silences.', schema: z.object({ silences: z.array(silenceSchema) }) },
    examples: { request: { query: { state: 'active' } }, response: { silences: [exampleSilence] } },
    handler: ({ query: q }) => {
      const now = clock.now();
      return { silences: alerts.listSilences(q.state ?? 'active').map((s) => silenceView(s, now)) };
    },
  });

  defineRoute(api, {
    method: 'delete',
    path: '/silences/:id',
    tags: ['incidents'],
    auth: 'admin',
    summary: 'Expire a silence now (it is kept for the record)',
    params: idSchema,
    response: { description: 'The expired silence.', schema: oneSilenceSchema },
    examples: {
      request: { params: { id: exampleSilence.id } },
      response: { silence: { ...exampleSilence, state: 'expired', endsMs: START + 1_200_000 } },
    },
    handler: async ({ params }) => {
      const silence = await alerts.expireSilence(params.id);
      if (!silence) throw new ApiError(404, 'not_found', `no silence ${params.id}`);
      return { silence: silenceView(silence, clock.now()) };
    },
  });
}
