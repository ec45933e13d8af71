import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticLoad } from '../../models/forecasters/testing/synthetic-series.js';
import { runBacktestCli } from './backtest-run.js';

const dir = mkdtempSync(join(tmpdir(), 'headroom-backtest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sink(): { write(chunk: string): boolean; text: () => string } {
  const parts: string[] = [];
  return { write: (c: string) => (parts.push(c), true), text: () => parts.join('') };
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function csvOf(values: ArrayLike<number>, stepMs = 3_600_000, startMs = Date.UTC(2026, 0, 5)): string {
  const lines = ['timestamp,value'];
  for (let i = 0; i < values.length; i++) lines.push(`${stamp(startMs + i * stepMs)},${values[i]}`);
  return lines.join('\n') + '\n';
}

async function backtest(text: string, args: { horizon: string; start: string; model?: string }) {
  const file = join(dir, `in-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, text);
  const out = sink();
  const err = sink();
  const code = await runBacktestCli(file, args, out, err);
  const rows = out
    .text()
    .trim()
    .split('\n')
    .filter((l) => l !== '');
  return { code, rows, stderr: err.text() };
}

const load = Array.from(syntheticLoad({ days: 20, noise: 0.15, weekendDip: 0.3, seed: 21 }).values, (v) =>
  Math.round(v),
);

describe('headroom backtest', () => {
  it.each(['seasonal-naive-daily', 'seasonal-naive-weekly', 'holt-winters', 'quantile-mlp'])(
    'prints one finite, ordered row per target row with %s',
    async (model) => {
      const { code, rows, stderr } = await backtest(csvOf(load), { horizon: '3', start: '400', model });
      expect(code).toBe(0);
      expect(rows[0]).toBe('timestamp,actual,p10,p50,p90');
      expect(rows).toHaveLength(1 + load.length - 400);
      const first = rows[1]!.split(',');
      expect(first[0]).toBe(stamp(Date.UTC(2026, 0, 5) + 400 * 3_600_000));
      expect(Number(first[1])).toBe(load[400]);
      for (const row of rows.slice(1)) {
        const [, , p10, p50, p90] = row.split(',').map(Number);
        expect([p10, p50, p90].every(Number.isFinite)).toBe(true);
        expect(p10!).toBeLessThanOrEqual(p50!);
        expect(p50!).toBeLessThanOrEqual(p90!);
      }
      expect(stderr).toMatch(/WAPE/);
      expect(stderr).toMatch(/MASE vs daily seasonal naive/);
      expect(stderr).toMatch(/p10-p90 coverage/);
    },
  );

  it('keeps forecasts causal: changing rows after j-H never changes the forecast for j', async () => {
    const H = 5;
    const S = 380;
    const before = await backtest(csvOf(load), {
      horizon: String(H),
      start: String(S),
      model: 'quantile-mlp',
    });
    for (const j of [S, S + 37, S + 90]) {
      const changed = load.map((v, i) => (i > j - H ? v * 3 + 17 : v));
      const after = await backtest(csvOf(changed), {
        horizon: String(H),
        start: String(S),
        model: 'quantile-mlp',
      });
      const pick = (rows: string[]) => rows[1 + j - S]!.split(',').slice(2).join(',');
      expect(pick(after.rows)).toBe(pick(before.rows));
    }
  });

  it('handles gaps (missing rows) and a constant series without NaN', async () => {
    const gappy = csvOf(load)
      .split('\n')
      .filter((_, i) => i < 200 || i > 230)
      .join('\n');
    const g = await backtest(gappy, { horizon: '2', start: '300', model: 'holt-winters' });
    expect(g.code).toBe(0);
    expect(g.rows).toHaveLength(1 + load.length - 31 - 300);
    expect(g.stderr).toMatch(/gaps: 31 missing steps/);
    const c = await backtest(csvOf(new Array(400).fill(7)), { horizon: '4', start: '100' });
    expect(c.code).toBe(0);
    for (const row of c.rows.slice(1)) {
      const [p10, p50, p90] = row.split(',').slice(2).map(Number);
      expect(p50).toBeCloseTo(7, 6);
      expect(p10).toBeLessThanOrEqual(7);
      expect(p90).toBeGreaterThanOrEqual(7);
    }
  });

  it('refuses bad input with a clear message and exit code 2', async () => {
    const cases: [string, string, { horizon: string; start: string }, RegExp][] = [
      ['empty', '', { horizon: '1', start: '1' }, /empty/],
      ['header only', 'timestamp,value\n', { horizon: '1', start: '1' }, /no data rows/],
      ['wrong header', 'time,v\n2026-01-01 00:00:00,1\n', { horizon: '1', start: '1' }, /header/],
      [
        'non-numeric',
        csvOf([1, 2, 3]).replace(',2\n', ',abc\n'),
        { horizon: '1', start: '1' },
        /line 3: value "abc"/,
      ],
      [
        'NaN',
        csvOf([1, 2, 3]).replace(',2\n', ',NaN\n'),
        { horizon: '1', start: '1' },
        /not a finite number/,
      ],
      [
        'bad timestamp',
        'timestamp,value\nyesterday,1\n',
        { horizon: '1', start: '1' },
        /cannot parse timestamp/,
      ],
      [
        'duplicate',
        'timestamp,value\n2026-01-01 00:00:00,1\n2026-01-01 00:00:00,2\n',
        { horizon: '1', start: '1' },
        /duplicates/,
      ],
      [
        'unsorted',
        'timestamp,value\n2026-01-01 01:00:00,1\n2026-01-01 00:00:00,2\n',
        { horizon: '1', start: '1' },
        /earlier than/,
      ],
      ['start < horizon', csvOf(load), { horizon: '10', start: '5' }, /less than --horizon/],
      ['horizon beyond history', csvOf([1, 2, 3]), { horizon: '5', start: '5' }, /leaves no target/],
      ['bad horizon', csvOf(load), { horizon: 'x', start: '5' }, /--horizon/],
      ['bad start', csvOf(load), { horizon: '1', start: '-3' }, /--start/],
    ];
    for (const [name, text, args, message] of cases) {
      const r = await backtest(text, args);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(message);
      expect(r.rows, name).toHaveLength(0);
    }
  });

  it('accepts ISO 8601 timestamps and a history shorter than a day (persistence fallback)', async () => {
    const lines = ['timestamp,value', ...[5, 6, 7, 8, 9, 10].map((v, i) => `2026-01-05T00:0${i}:00Z,${v}`)];
    const r = await backtest(lines.join('\n'), { horizon: '1', start: '2' });
    expect(r.code).toBe(0);
    expect(r.rows).toHaveLength(5);
    expect(r.rows[1]).toMatch(/^2026-01-05T00:02:00Z,7,/);
    expect(r.stderr).toMatch(/naive-last-value/);
  });
});
