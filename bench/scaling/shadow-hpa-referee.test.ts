import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  commitBudget,
  updateBudget,
  type BudgetSettings,
} from '../../actuators/policies/scaling/violation-budget.js';
import { stepShadowHpa, type ShadowHpa } from '../../actuators/policies/scaling/shadow-hpa.js';
import { hpaBaseline } from './hpa-baseline.js';
import { judgeSimulator } from './judge-simulator.js';

/**
 * The policy's violation budget keeps its own books of the referee's rules (a shadow HPA and a
 * replica pool with startup delays). These properties hold those books to the referee's port
 * (judge-simulator.ts, hpa-baseline.ts) on random loads, steps and delays.
 */
const arbitraryCase = fc.record({
  load: fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 2, maxLength: 60 }),
  stepSeconds: fc.constantFrom(60, 300, 3600),
  delaySeconds: fc.constantFrom(0, 30, 60, 300, 900),
  capacity: fc.double({ min: 1, max: 50, noNaN: true }),
});

describe('violation budget against the referee', () => {
  it('the shadow HPA sets the referee baseline spec and counts its violations', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ load, stepSeconds, delaySeconds, capacity }) => {
        const stepMs = stepSeconds * 1000;
        const settings = {
          capacityPerReplica: capacity,
          targetUtilization: 0.8,
          tolerance: 0.1,
          downStabilizationSeconds: 300,
          minReplicas: 1,
          maxReplicas: 1000,
          startupDelaySeconds: delaySeconds,
        };
        let state: ShadowHpa | undefined;
        let violations = 0;
        const specs = load.map((l, t) => {
          const step = stepShadowHpa(state, l, (t + 1) * stepMs, settings);
          state = step.state;
          if (step.violated) violations++;
          return state.pool.spec;
        });
        const referee = hpaBaseline(load, {
          stepSeconds,
          capacityPerReplica: capacity,
          minReplicas: 1,
          maxReplicas: 1000,
        });
        expect(specs).toEqual([...referee]);
        const judge = { stepSeconds, startupDelaySeconds: delaySeconds, capacityPerReplica: capacity };
        expect(violations).toBe(judgeSimulator(load, referee, judge).violations);
      }),
      { seed: 6, numRuns: 300 },
    );
  });

  it("the policy's own shortfalls are the referee's violations of its decisions", () => {
    fc.assert(
      fc.property(
        arbitraryCase,
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 60, maxLength: 60 }),
        ({ load, stepSeconds, delaySeconds, capacity }, decisions) => {
          const stepMs = stepSeconds * 1000;
          const settings: BudgetSettings = {
            capacityPerReplica: capacity,
            targetUtilization: 0.8,
            tolerance: 0.1,
            downStabilizationSeconds: 300,
            minReplicas: 1,
            maxReplicas: 1000,
            startupDelaySeconds: delaySeconds,
            ratio: 0.8,
            gain: 0.05,
            minScale: 0.05,
            maxScale: 5,
          };
          const spec = decisions.slice(0, load.length);
          let budget = undefined as ReturnType<typeof updateBudget>;
          let current: number | undefined;
          load.forEach((l, t) => {
            const nowMs = (t + 1) * stepMs;
            budget = updateBudget(budget, l, nowMs, current, settings);
            if (!budget) throw new Error('no budget after a finite load');
            current = spec[t] ?? 1;
            budget = commitBudget(budget, current, nowMs, delaySeconds);
          });
          const judge = { stepSeconds, startupDelaySeconds: delaySeconds, capacityPerReplica: capacity };
          expect(budget?.violations.own).toBe(judgeSimulator(load, spec, judge).violations);
        },
      ),
      { seed: 6, numRuns: 300 },
    );
  });
});
