import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { actuatorsConfigSchema } from '../../actuators/config.js';
import { GuardedTargets } from '../../actuators/guarded-targets.js';
import { FakeClock } from '../../core/clock.js';
import { recordValue } from '../../core/histogram.js';
import type { RollupPoint } from '../../core/rollup.js';
import { embeddedConfigSchema } from '../../storage/config.js';
import { EmbeddedStore } from '../../storage/embedded/embedded-store.js';
import { FakeTarget } from '../../test/helpers/fake-target.js';
import { PolicyActuation } from './actuation-stage.js';
import { PolicySignals } from './policy-signals.js';

const logger = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 0, 5, 12);
const STEP = 60_000;
let store: EmbeddedStore | undefined;
afterEach(async () => {
  await store?.stop();
});

function point(
  measurement: 'api_calls' | 'inbound',
  timeMs: number,
  tags: Record<string, string>,
  count: number,
  errors = 0,
  latencyMs = 100,
): RollupPoint {
  const histogram = {};
  recordValue(histogram, latencyMs, count);
  return {
    measurement,
    timeMs,
    tags: { collector: 'otlp:t', ...tags },
    count,
    errors,
    durationSumMs: count * latencyMs,
    durationMaxMs: latencyMs,
    histogram,
  };
}

async function setup(actuators: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-actuation-'));
  const clock = new FakeClock(T0);
  store = new EmbeddedStore(embeddedConfigSchema.parse({}), { logger, clock, path: join(dir, 'db.sqlite') });
  await store.start();
  const config = actuatorsConfigSchema.parse(actuators);
  const fake = new FakeTarget('routes');
  const targets = new GuardedTargets({ config, store, clock, logger, createTarget: () => fake });
  await targets.start(new AbortController().signal);
  const make = () =>
    new PolicyActuation({
      config,
      targets,
      store: store!,
      clock,
      logger,
      signals: new PolicySignals({ store: store!, clock, stepMs: STEP, settleMs: 0, lookbackMs: 10 * STEP }),
      staleAfterMs: 5 * STEP,
      unchangedRecordMs: 10 * STEP,
    });
  return { clock, fake, targets, make };
}

describe('PolicyActuation', () => {
  it('scales a service from its inbound load, records without a target, and does not repeat an unchanged decision', async () => {
    const { clock, make } = await setup({
      policies: { scaling: [{ service: 'checkout', capacityPerReplica: 10, maxReplicas: 50 }] },
    });
    await store!.write([point('inbound', T0 - STEP, { service: 'checkout' }, 60 * 45)]); // 45 req/s
    const stage = make();
    const signal = new AbortController().signal;
    const [first] = await stage.run(signal);
    expect(first).toMatchObject({
      tags: { service: 'checkout', policy: 'scaling', target: 'none', control: 'replicas' },
      body: { outcome: 'dry_run', mode: 'dry_run', desired: { replicas: 6 } }, // 45 / (10 × 0.8) without a forecast
    });
    expect(first!.body.reasons[0]).toMatch(/replica/);
    clock.advance(10_000);
    expect(await stage.run(signal)).toEqual([]); // same decision, recorded recently
    // memory survives a restart through the audit records
    const again = make();
    await again.load();
    clock.advance(10_000);
    expect(await again.run(signal)).toEqual([]);
  });

  it('fails static when the subject has no recent telemetry', async () => {
    const { make } = await setup({
      policies: { scaling: [{ service: 'checkout', capacityPerReplica: 10 }] },
    });
    const [record] = await make().run(new AbortController().signal);
    expect(record!.body.outcome).toBe('held');
    expect(record!.body.reasons[0]).toMatch(/no telemetry/);
  });

  it('moves routing weight away from a failing region through the guarded target', async () => {
    const { make, fake } = await setup({
      targets: [
        {
          id: 'routes',
          kind: 'webhook',
          url: 'http://127.0.0.1:9/x',
          secret: 'a-secret-key-of-some-length',
          mode: 'enforce',
        },
      ],
      policies: {
        routing: [
          {
            provider: 'maps',
            target: 'routes',
            endpoints: [{ name: 'us-east' }, { name: 'eu-west', role: 'backup' }],
          },
        ],
      },
    });
    await store!.write([
      point('api_calls', T0 - STEP, { provider: 'maps', region: 'us-east' }, 600, 600), // all failing
      point('api_calls', T0 - STEP, { provider: 'maps', region: 'eu-west' }, 60),
    ]);
    const [record] = await make().run(new AbortController().signal);
    expect(record!.body).toMatchObject({ policy: 'routing', outcome: 'applied', target: 'routes' });
    const desired = record!.body.desired as { weights: Record<string, number> };
    expect(desired.weights['eu-west']).toBeGreaterThan(desired.weights['us-east'] ?? 0);
    expect(fake.applyCalls).toBe(1);
  });

  it('judges a half-open region on its probe traffic only, not on the data that ejected it', async () => {
    const { make, clock } = await setup({
      targets: [
        {
          id: 'routes',
          kind: 'webhook',
          url: 'http://127.0.0.1:9/x',
          secret: 'a-secret-key-of-some-length',
          mode: 'enforce',
        },
      ],
      policies: {
        routing: [
          {
            provider: 'maps',
            target: 'routes',
            endpoints: [{ name: 'us-east' }, { name: 'eu-west', role: 'backup' }],
          },
        ],
      },
    });
    const signal = new AbortController().signal;
    const healthy = (timeMs: number) => [
      point('api_calls', timeMs, { provider: 'maps', region: 'us-east' }, 30),
      point('api_calls', timeMs, { provider: 'maps', region: 'eu-west' }, 600),
    ];
    await store!.write([
      point('api_calls', T0 - STEP, { provider: 'maps', region: 'us-east' }, 600, 600),
      point('api_calls', T0 - STEP, { provider: 'maps', region: 'eu-west' }, 60),
    ]);
    const stage = make();
    const routing = async () => (await stage.run(signal)).map((r) => r.body);
    expect((await routing())[0]).toMatchObject({ desired: { weights: { 'us-east': 0 }, down: ['us-east'] } });
    clock.advance(STEP); // ejection (30 s) over: half-open, probing
    expect((await routing())[0]).toMatchObject({ desired: { weights: { 'us-east': 5, 'eu-west': 95 } } });
    // The failing step is still the newest us-east data: no probe result yet, so no re-ejection.
    await store!.write([point('api_calls', clock.now(), { provider: 'maps', region: 'eu-west' }, 600)]);
    clock.advance(STEP);
    const waiting = await routing(); // recorded once: the target now reports the probe weights
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({
      desired: { weights: { 'us-east': 5 } },
      memory: { circuits: { 'us-east': { state: 'half_open', ejections: 1 } } },
    });
    expect(waiting[0]?.reasons.join('\n')).toMatch(/us-east: half-open, waiting for probe results/);
    // Three measured healthy probes close the circuit.
    let last: Awaited<ReturnType<typeof routing>> = [];
    for (let i = 0; i < 3; i++) {
      await store!.write(healthy(clock.now()));
      clock.advance(STEP);
      last = await routing();
    }
    expect(last[0]).toMatchObject({ desired: { weights: { 'us-east': 100, 'eu-west': 0 }, down: [] } });
    expect(last[0]?.reasons.join('\n')).toMatch(/us-east: 3 healthy probes, circuit closed/);
  });
});
