import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/helpers/shared-dir.js';
import { DETECTORS } from '../../models/detectors/registry.js';
import { EXIT_INVALID_INPUT } from './detect.js';
import { formatScore, runDetect } from './run-detect.js';

const ROOT = repoRoot();
const TESTDATA = join(ROOT, 'models', 'detectors', 'testdata');
const SPIKE = join(TESTDATA, 'spike.csv');
const tmp = mkdtempSync(join(tmpdir(), 'headroom-detect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns the real CLI entry point, as run-dev.sh does. */
async function cli(...args: string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'bin', 'headroom.js'), ...args],
      {
        cwd: ROOT,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Calls the command body in-process (same code, no process start-up) for the many error cases. */
async function inProcess(
  file: string,
  extra: { detector?: string; warmupPoints?: string } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await runDetect({
    file,
    ...extra,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { code, stdout, stderr };
}

function csvFile(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

function dataLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

describe('headroom detect', () => {
  it('prints timestamp,value,anomaly_score for every row, echoing timestamp and value text', async () => {
    const run = await cli('detect', SPIKE);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const input = dataLines(readFileSync(SPIKE, 'utf8'));
    const output = dataLines(run.stdout);
    expect(output[0]).toBe('timestamp,value,anomaly_score');
    expect(output).toHaveLength(input.length);
    output.slice(1).forEach((line, i) => {
      const fields = line.split(',');
      expect(fields).toHaveLength(3);
      expect(`${fields[0]},${fields[1]}`).toBe(input[i + 1]);
      const score = Number(fields[2]);
      expect(Number.isFinite(score) && score >= 0 && score <= 1).toBe(true);
    });
    expect(run.stdout).not.toMatch(/NaN|Infinity/);
    // The spike (data row 300, after one repeated-timestamp row) alerts.
    expect(Number(output[302]?.split(',')[2])).toBeGreaterThan(0.9);
  });

  it('is strictly causal: a prefix of the file gets the same scores as the full file', async () => {
    const text = readFileSync(SPIKE, 'utf8');
    const prefix = csvFile('prefix.csv', dataLines(text).slice(0, 251).join('\n') + '\n');
    const full = await cli('detect', SPIKE, '--warmup-points', '60');
    const part = await cli('detect', prefix, '--warmup-points', '60');
    expect(part.code).toBe(0);
    expect(dataLines(part.stdout)).toEqual(dataLines(full.stdout).slice(0, 251));
  });

  it.each(Object.keys(DETECTORS))('runs detector %s on a slice of real NAB data', async (name) => {
    const run = await inProcess(join(TESTDATA, 'nab-ec2-cpu-24ae8d-head.csv'), { detector: name });
    expect(run.code).toBe(0);
    expect(dataLines(run.stdout)).toHaveLength(801);
  });

  it('exits 2 for an unknown detector, naming the known ones', async () => {
    const run = await cli('detect', SPIKE, '--detector', 'magic');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown detector "magic"; known: novelty, windowed-gaussian');
    expect(run.stdout).toBe('');
  });

  it(`exits ${EXIT_INVALID_INPUT} with the line number for invalid content`, async () => {
    const run = await cli(
      'detect',
      csvFile('bad.csv', 'timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,x\n'),
    );
    expect(run.code).toBe(EXIT_INVALID_INPUT);
    expect(run.stderr).toMatch(/bad\.csv: line 3: value "x" is not a number/);
    expect(run.stdout).toBe('');
  });

  it.each([
    ['empty file', '', /empty/],
    ['header only', 'timestamp,value\n', /no data rows/],
    [
      'non-numeric value',
      'timestamp,value\n2014-04-01 00:00:00,12abc\n',
      /line 2: value "12abc" is not a number/,
    ],
    [
      'unsorted timestamps',
      'timestamp,value\n2014-04-01 00:05:00,1\n2014-04-01 00:00:00,1\n',
      /line 3: .*earlier/,
    ],
    ['wrong header', 'date,count\n2014-04-01,3\n', /timestamp and value/],
  ])('rejects %s', async (_name, text, message) => {
    const run = await inProcess(csvFile('case.csv', text));
    expect(run.code).toBe(EXIT_INVALID_INPUT);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('accepts repeated timestamps and gaps, scoring gaps 0', async () => {
    const text =
      'timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:00:00,2\n2014-04-01 00:05:00,\n2014-04-01 00:10:00,NaN\n';
    const run = await inProcess(csvFile('dups.csv', text));
    expect(run.code).toBe(0);
    expect(dataLines(run.stdout).slice(1)).toEqual([
      '2014-04-01 00:00:00,1,0',
      '2014-04-01 00:00:00,2,0',
      '2014-04-01 00:05:00,,0',
      '2014-04-01 00:10:00,NaN,0',
    ]);
  });

  it('exits 1 for a missing file and 2 for a bad --warmup-points', async () => {
    expect((await inProcess(join(tmp, 'missing.csv'))).code).toBe(1);
    const bad = await inProcess(SPIKE, { warmupPoints: '-3' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--warmup-points/);
  });

  it.each([
    [0, '0'],
    [1, '1'],
    [0.25, '0.25'],
    [0.1234567891, '0.1234567891'],
    [0.99999999999, '0.99999999999'],
    [1e-7, '1e-7'],
    [Number.NaN, '0'],
    [2, '1'],
  ])('formats score %d as %s', (score, text) => expect(formatScore(score)).toBe(text));
});
