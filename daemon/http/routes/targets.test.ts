import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actuatorsConfigSchema } from '../../../actuators/config.js';
import { GuardedTargets } from '../../../actuators/guarded-targets.js';
import { FakeClock } from '../../../core/clock.js';
import { FakeTarget } from '../../../test/helpers/fake-target.js';
import { embeddedConfigSchema } from '../../../storage/config.js';
import { EmbeddedStore } from '../../../storage/embedded/embedded-store.js';
import { apiConfigSchema } from '../../config/schema.js';
import { ApiServer } from '../api-server.js';
import { mountDecisionsRoutes } from './decisions.js';
import { mountTargetsRoutes } from './targets.js';

const ADMIN = 'admin-token-0123456789abcdef';
const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'headroom-routes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

interface Api {
  url: string;
  server: ApiServer;
  store: EmbeddedStore;
  clock: FakeClock;
  targets: GuardedTargets;
  fakes: Map<string, FakeTarget>;
}

async function startApi(adminToken: string | null = ADMIN): Promise<Api> {
  const clock = new FakeClock(Date.UTC(2026, 0, 5, 12, 0, 0));
  // The real embedded store (SQLite), so the decisions query runs against what the daemon uses.
  const store = new EmbeddedStore(embeddedConfigSchema.parse({}), {
    logger,
    clock,
    path: join(dir, `api-${n++}.sqlite`),
  });
  await store.start();
  const fakes = new Map<string, FakeTarget>();
  const config = actuatorsConfigSchema.parse({
    targets: [
      {
        id: 'cluster',
        kind: 'kubernetes',
        mode: 'enforce',
        bounds: { replicas: { min: 1, max: 30 } },
        workloads: [{ subject: { service: 'checkout' }, name: 'checkout' }],
      },
      { id: 'fleet', kind: 'redis', url: 'redis://127.0.0.1:1' },
    ],
  });
  const targets = new GuardedTargets({
    config,
    store,
    clock,
    logger,
    createTarget: (entry) => {
      const fake = new FakeTarget(
        entry.id,
        entry.kind === 'kubernetes' ? ['replicas'] : ['rate_limit', 'cache_ttl'],
      );
      fakes.set(entry.id, fake);
      return fake;
    },
  });
  await targets.start(AbortSignal.timeout(1_000));
  const server = new ApiServer({
    config: apiConfigSchema.parse({ host: '127.0.0.1', port: 0, ...(adminToken ? { adminToken } : {}) }),
    logger,
    metricsHandler: (_req, res) => res.end(),
    readiness: async () => ({ state: 'ok', detail: {} }),
    mountApi: (api) => {
      mountTargetsRoutes(api, { targets });
      mountDecisionsRoutes(api, { store });
    },
  });
  await server.start();
  return { url: `${server.url()}/api/v1`, server, store, clock, targets, fakes };
}

/** POST with the admin token, another token, or none (`null`). */
const post = (url: string, body?: unknown, token: string | null = ADMIN): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

let api: Api;
beforeEach(async () => {
  api = await startApi();
});
afterEach(async () => {
  await api.server.stop();
  await api.targets.stop();
  await api.store.stop();
});

describe('GET /api/v1/targets', () => {
  it('lists every target with mode, pause, overrides, breaker and last error', async () => {
    const res = await fetch(`${api.url}/targets`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { targets: unknown[] };
    expect(body.targets).toEqual([
      expect.objectContaining({
        id: 'cluster',
        kind: 'fake',
        mode: 'enforce',
        started: true,
        paused: null,
        overrides: [],
        breaker: 'closed',
        lastError: null,
      }),
      expect.objectContaining({ id: 'fleet', mode: 'dry_run' }),
    ]);
  });

  it('answers 404 for an unknown target', async () => {
    const res = await fetch(`${api.url}/targets/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no target with id "nope"' } });
    expect((await post(`${api.url}/targets/nope/pause`)).status).toBe(404);
  });

  it('shows current, desired and the last decision per subject, and the last error', async () => {
    const fake = api.fakes.get('cluster')!;
    fake.states.set('replicas|service=checkout', { replicas: 3 });
    await api.targets.actuate('cluster', {
      actuation: { control: 'replicas', subject: { service: 'checkout' }, desired: { replicas: 40 } },
      policy: 'scaling',
      reasons: ['forecast'],
      suppressed: [],
    });
    fake.failApply.push(new Error('boom'));
    fake.failApply.push(new Error('boom'));
    fake.failApply.push(new Error('boom'));
    const failed = await api.targets.actuate('cluster', {
      actuation: { control: 'replicas', subject: { service: 'checkout' }, desired: { replicas: 10 } },
      policy: 'scaling',
      reasons: [],
      suppressed: [],
    });
    const status = (await (await fetch(`${api.url}/targets/cluster`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      lastError: { message: 'boom', decisionId: failed.id },
      subjects: [
        {
          control: 'replicas',
          subject: { service: 'checkout' },
          current: { replicas: 30 },
          desired: { replicas: 10 },
          lastDecision: { id: failed.id, outcome: 'failed', policy: 'scaling' },
          lastApplied: { state: { replicas: 30 } },
        },
      ],
    });
  });
});

describe('POST /api/v1/targets/{id}/pause|resume|override', () => {
  it('needs the admin token (401 without, 403 when none is configured)', async () => {
    expect((await post(`${api.url}/targets/cluster/pause`, undefined, null)).status).toBe(401);
    expect((await post(`${api.url}/targets/cluster/pause`, undefined, 'wrong-token-0123456789')).status).toBe(
      401,
    );
    const noAdmin = await startApi(null);
    try {
      const res = await post(`${noAdmin.url}/targets/cluster/pause`, undefined, null);
      expect(res.status).toBe(403);
    } finally {
      await noAdmin.server.stop();
      await noAdmin.store.stop();
    }
    expect(api.targets.get('cluster')!.status().paused).toBeNull();
  });

  it('pauses and resumes, visibly and audited', async () => {
    const res = await post(`${api.url}/targets/cluster/pause`, { reason: 'incident 77' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      target: { paused: unknown };
      record: { body: { operator: unknown } };
    };
    expect(body.target.paused).toEqual({ sinceMs: api.clock.now(), reason: 'incident 77' });
    expect(body.record.body.operator).toEqual({ action: 'pause', reason: 'incident 77' });
    api.clock.advance(1_000);
    expect((await post(`${api.url}/targets/cluster/resume`)).status).toBe(200);
    const audit = (await (await fetch(`${api.url}/decisions?policy=operator&order=asc`)).json()) as {
      decisions: { outcome: string; operator: { action: string } }[];
    };
    expect(audit.decisions.map((d) => [d.operator.action, d.outcome])).toEqual([
      ['pause', 'paused'],
      ['resume', 'resumed'],
    ]);
  });

  it('pins a value until a time, applies it at once, and clears it', async () => {
    const until = '2026-01-05T14:00:00Z';
    const res = await post(`${api.url}/targets/cluster/override`, {
      control: 'replicas',
      subject: { service: 'checkout' },
      value: { replicas: 12 },
      until,
      reason: 'launch',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { target: { overrides: unknown[] }; decision: { body: unknown } };
    expect(body.target.overrides).toEqual([
      {
        control: 'replicas',
        subject: { service: 'checkout' },
        value: { replicas: 12 },
        untilMs: Date.parse(until),
        setAtMs: api.clock.now(),
        reason: 'launch',
      },
    ]);
    expect(body.decision.body).toMatchObject({ outcome: 'overridden', desired: { replicas: 12 } });
    expect(api.fakes.get('cluster')!.states.get('replicas|service=checkout')).toEqual({ replicas: 12 });
    const cleared = await post(`${api.url}/targets/cluster/override/clear`, {
      control: 'replicas',
      subject: { service: 'checkout' },
    });
    expect(cleared.status).toBe(200);
    expect(((await cleared.json()) as { target: { overrides: unknown[] } }).target.overrides).toEqual([]);
  });

  it.each([
    [{ subject: { service: 'checkout' }, value: { replicas: 2 }, until: '2026-01-05T14:00:00Z' }, 'control'],
    [{ control: 'replicas', subject: { service: 'checkout' }, value: { replicas: 2 } }, 'until'],
    [
      { control: 'replicas', subject: { service: 'checkout' }, value: { replicas: 2 }, until: 'tomorrow' },
      'until',
    ],
    [
      {
        control: 'replicas',
        subject: { service: 'checkout' },
        value: { replicas: 2 },
        until: '2026-01-05T11:00:00Z',
      },
      'until',
    ],
    [
      {
        control: 'replicas',
        subject: { service: 'checkout' },
        value: { replicas: -1 },
        until: '2026-01-05T14:00:00Z',
      },
      'value.replicas',
    ],
    [
      {
        control: 'replicas',
        subject: { service: 'checkout' },
        value: { nope: 1 },
        until: '2026-01-05T14:00:00Z',
      },
      'value.replicas',
    ],
    [
      { control: 'rate_limit', subject: { service: 'checkout' }, value: {}, until: '2026-01-05T14:00:00Z' },
      'control',
    ],
    [
      {
        control: 'replicas',
        subject: { service: 'checkout' },
        value: { replicas: 2 },
        until: 1,
        extra: true,
      },
      'extra',
    ],
  ])('400 naming the field for %j', async (body, field) => {
    const res = await post(`${api.url}/targets/cluster/override`, body);
    expect(res.status).toBe(400);
    const error = ((await res.json()) as { error: { field: string; message: string } }).error;
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });
});

describe('GET /api/v1/decisions', () => {
  beforeEach(async () => {
    for (const [i, n] of [5, 6, 7].entries()) {
      api.clock.set(Date.UTC(2026, 0, 5, 12, i, 0));
      await api.targets.actuate(i === 2 ? 'fleet' : 'cluster', {
        actuation:
          i === 2
            ? {
                control: 'rate_limit',
                subject: { provider: 'stripe' },
                desired: { ratePerSecond: n, burst: 1 },
              }
            : { control: 'replicas', subject: { service: 'checkout' }, desired: { replicas: n } },
        policy: i === 2 ? 'rate-limit' : 'scaling',
        reasons: [`step ${i}`],
        suppressed: [],
      });
    }
  });

  it('returns the audit records newest first, filtered by time, target, policy and outcome', async () => {
    const all = (await (await fetch(`${api.url}/decisions`)).json()) as {
      decisions: { time: string; target: string; outcome: string }[];
    };
    expect(all.decisions.map((d) => [d.time, d.target, d.outcome])).toEqual([
      ['2026-01-05T12:02:00.000Z', 'fleet', 'dry_run'],
      ['2026-01-05T12:01:00.000Z', 'cluster', 'applied'],
      ['2026-01-05T12:00:00.000Z', 'cluster', 'applied'],
    ]);
    const q = async (query: string): Promise<number> =>
      ((await (await fetch(`${api.url}/decisions?${query}`)).json()) as { decisions: unknown[] }).decisions
        .length;
    expect(await q('target=cluster')).toBe(2);
    expect(await q('policy=rate-limit')).toBe(1);
    expect(await q('outcome=dry_run')).toBe(1);
    expect(await q('provider=stripe')).toBe(1);
    expect(await q('from=2026-01-05T12:01:00Z')).toBe(2);
    expect(await q(`from=${Date.UTC(2026, 0, 5, 12, 0, 0)}&to=2026-01-05T12:01:00Z`)).toBe(1);
    expect(await q('limit=1')).toBe(1);
  });

  it.each([
    ['outcome=maybe', 'outcome'],
    ['limit=0', 'limit'],
    ['from=yesterday', 'from'],
    ['from=2026-01-05T12:01:00Z&to=2026-01-05T12:00:00Z', 'from'],
    ['colour=blue', 'colour'],
  ])('400 naming the parameter for %s', async (query, field) => {
    const res = await fetch(`${api.url}/decisions?${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
  });
});
