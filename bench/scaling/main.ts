/**
 * Scaling benchmark (issue 6 targets): the scaling policy, replayed walk-forward with the
 * daemon's forecaster, against the referee's HPA baseline on every development trace, at
 * startup delays of 60 s and 300 s. Targets per trace and delay: violations ≤ 1.0 × HPA,
 * changes ≤ 0.7 × HPA, replica-hours ≤ 1.0 × HPA.
 *
 * Capacity per replica: peak load / P (2 significant digits), so the peak needs P replicas at
 * full utilisation (P = 20 by default, i.e. ~25 for the HPA at 0.8); `--peak-replicas 10,20,40`
 * also checks the policy away from that scale. With python3 present, each run's decisions are
 * also scored by the referee itself (tools/scaling/judge.py) and any disagreement is printed.
 *
 *   npm run bench:scaling [-- --peak-replicas 10,20,40] [--delays 60,300] [--only nasa] [--no-referee]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedDir } from '../../test/helpers/shared-dir.js';
import type { ScalingFigures } from './judge-simulator.js';
import { parseLoadCsv } from './load-csv.js';
import { decisionsCsv, runSimulation, simulationConfig, traceForecasts } from './run-simulation.js';

const TARGETS = { violations: 1.0, changes: 0.7, replicaHours: 1.0 } as const;

const { values: args } = parseArgs({
  options: {
    'peak-replicas': { type: 'string', default: '20' },
    delays: { type: 'string', default: '60,300' },
    only: { type: 'string' },
    'no-referee': { type: 'boolean', default: false },
  },
});
const peakReplicas = args['peak-replicas'].split(',').map(Number);
const delays = args.delays.split(',').map(Number);
const tracesDir = join(sharedDir(), 'data', 'traces');
const judgePy = join(sharedDir(), 'tools', 'scaling', 'judge.py');
const useReferee = !args['no-referee'] && existsSync(judgePy);
const files = readdirSync(tracesDir)
  .filter((f) => f.endsWith('.csv') && (!args.only || f.includes(args.only)))
  .sort();

console.log(
  `bench:scaling  load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}  (${files.length} traces)`,
);
console.log(
  'trace                                    delay  cap    policy v/c/rh            hpa v/c/rh                ratios v / c / rh      ok',
);
let failures = 0;
let runs = 0;
const tmp = mkdtempSync(join(tmpdir(), 'bench-scaling-'));
try {
  for (const file of files) {
    const path = join(tracesDir, file);
    const trace = parseLoadCsv(readFileSync(path, 'utf8'), file);
    const peak = trace.values.reduce((m, v) => Math.max(m, v), 0);
    // Forecasts depend on the trace and the horizon only: made once per delay, shared by capacities.
    for (const delay of delays) {
      const started = performance.now();
      const forecasts = await traceForecasts(
        trace,
        simulationConfig({ capacityPerReplica: 1, startupDelaySeconds: delay }),
      );
      const forecastSeconds = (performance.now() - started) / 1000;
      for (const p of peakReplicas) {
        const capacity = Number((peak / p).toPrecision(2));
        const options = { capacityPerReplica: capacity, startupDelaySeconds: delay };
        const result = await runSimulation(trace, options, forecasts);
        const seconds = forecastSeconds;
        const r = ratios(result.policy, result.hpa);
        const ok =
          r.violations <= TARGETS.violations &&
          r.changes <= TARGETS.changes &&
          r.replicaHours <= TARGETS.replicaHours;
        runs++;
        if (!ok) failures++;
        const misses = [
          r.violations > TARGETS.violations ? 'violations' : '',
          r.changes > TARGETS.changes ? 'changes' : '',
          r.replicaHours > TARGETS.replicaHours ? 'replica-hours' : '',
        ].filter(Boolean);
        console.log(
          `${basename(file, '.csv').padEnd(40)} ${String(delay).padStart(5)}  ${String(capacity).padEnd(5)}  ${triple(result.policy).padEnd(24)} ${triple(result.hpa).padEnd(25)} ` +
            `${r.violations.toFixed(2)} / ${r.changes.toFixed(2)} / ${r.replicaHours.toFixed(2)}    ${ok ? 'yes' : `NO (${misses.join(', ')})`}  [forecasts ${seconds.toFixed(0)} s]`,
        );
        if (useReferee) {
          const decisions = join(tmp, 'decisions.csv');
          writeFileSync(decisions, decisionsCsv(trace, result.walk.replicas));
          const out = execFileSync(
            'python3',
            [
              judgePy,
              path,
              decisions,
              '--capacity',
              String(capacity),
              '--startup-delay',
              String(delay),
              '--min',
              '1',
              '--max',
              '1000',
              '--json',
            ],
            { encoding: 'utf8' },
          );
          const referee = JSON.parse(out) as { policy: Record<string, number>; hpa: Record<string, number> };
          const disagreements = compare(result.policy, referee.policy, 'policy').concat(
            compare(result.hpa, referee.hpa, 'hpa'),
          );
          if (disagreements.length > 0) console.log(`   referee disagrees: ${disagreements.join('; ')}`);
        }
      }
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(
  `${runs - failures} of ${runs} runs meet every target (violations ≤ ${TARGETS.violations}×, changes ≤ ${TARGETS.changes}×, replica-hours ≤ ${TARGETS.replicaHours}× HPA)` +
    (useReferee ? '; every run cross-checked with judge.py' : ''),
);

function ratios(
  p: ScalingFigures,
  h: ScalingFigures,
): { violations: number; changes: number; replicaHours: number } {
  const q = (a: number, b: number) => (b ? a / b : a === 0 ? 0 : Number.POSITIVE_INFINITY);
  return {
    violations: q(p.violations, h.violations),
    changes: q(p.changes, h.changes),
    replicaHours: q(p.replicaHours, h.replicaHours),
  };
}

function triple(f: ScalingFigures): string {
  return `${f.violations}/${f.changes}/${f.replicaHours.toFixed(0)}`;
}

function compare(mine: ScalingFigures, theirs: Record<string, number>, who: string): string[] {
  const pairs: [string, number, number][] = [
    ['violations', mine.violations, theirs.violations ?? Number.NaN],
    ['changes', mine.changes, theirs.changes ?? Number.NaN],
    ['replica_hours', mine.replicaHours, theirs.replica_hours ?? Number.NaN],
    ['excess_load', mine.excessLoad, theirs.excess_load ?? Number.NaN],
  ];
  return pairs
    .filter(([, a, b]) => !(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))))
    .map(([k, a, b]) => `${who} ${k} ${a} vs ${b}`);
}
