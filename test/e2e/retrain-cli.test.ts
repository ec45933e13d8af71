import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import type { RollupPoint } from '../../core/rollup.js';
import { embeddedConfigSchema } from '../../storage/config.js';
import { EmbeddedStore } from '../../storage/embedded/embedded-store.js';
import { repoRoot } from '../helpers/shared-dir.js';
import { cliEnv } from '../helpers/cli-env.js';

const run = promisify(execFile);
const STEP_MS = 600_000;

async function retrain(configPath: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(repoRoot(), 'bin', 'headroom.js'), 'retrain', '--config', configPath],
      {
        env: cliEnv(),
        timeout: 120_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return e;
  }
}

describe('headroom retrain', () => {
  it('trains from the store, prints the table, promotes, then keeps the same model on the same data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'headroom-retrain-'));
    const store = new EmbeddedStore(embeddedConfigSchema.parse({}), {
      logger: pino({ level: 'silent' }),
      clock: systemClock,
      path: join(dataDir, 'headroom.sqlite'),
    });
    await store.start();
    const end = Math.floor(Date.now() / STEP_MS) * STEP_MS - STEP_MS;
    const points: RollupPoint[] = [];
    let noise = 42;
    for (let t = end - 10 * 86_400_000; t < end; t += STEP_MS) {
      const hour = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
      // A daily shape on a growing trend, with deterministic noise: weekly naive lags the growth.
      const days = (t - (end - 10 * 86_400_000)) / 86_400_000;
      noise = (noise * 1_103_515_245 + 12_345) % 2_147_483_648;
      const count = Math.round(
        6_000 * (1 + 0.08 * days) * (1.2 + Math.sin(((hour - 6) / 24) * 2 * Math.PI)) +
          (noise / 2_147_483_648) * 400,
      );
      points.push({
        measurement: 'api_calls',
        timeMs: t,
        tags: { provider: 'stripe', collector: 'otlp:t' },
        count,
        errors: 0,
        durationSumMs: count * 100,
        durationMaxMs: 100,
        histogram: {},
      });
    }
    await store.write(points);
    await store.stop();
    const configPath = join(dataDir, 'headroom.yaml');
    writeFileSync(
      configPath,
      [
        `dataDir: ${dataDir}`,
        'models:',
        '  forecasting:',
        '    model: holt-winters',
        '    stepSeconds: 600',
        '    horizonMinutes: 60',
        '    historyDays: 10',
        '    evaluationDays: 1',
        '',
      ].join('\n'),
    );
    const first = await retrain(configPath);
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^model\s+WAPE\s+p10-p90 coverage\s+targets$/m);
    expect(first.stdout).toMatch(/seasonal-naive-daily/);
    expect(first.stdout).toMatch(/^PROMOTED: /m);
    const second = await retrain(configPath);
    expect(second.code).toBe(10);
    expect(second.stdout).toMatch(/^KEPT PREVIOUS: /m);
  }, 300_000);

  it('fails with exit 1 and a readable message when there is no history', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'headroom-retrain-empty-'));
    const configPath = join(dataDir, 'headroom.yaml');
    writeFileSync(configPath, `dataDir: ${dataDir}\n`);
    const { code, stderr } = await retrain(configPath);
    expect(code).toBe(1);
    expect(stderr).toMatch(/headroom retrain: .*no series/);
  }, 120_000);
});
