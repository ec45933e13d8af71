import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorSample } from '../../core/error-samples.js';
import type { RollupPoint } from '../../core/rollup.js';
import { seriesKey } from '../../core/tags.js';
import type { MemoryStore } from '../testing/memory-store.js';
import { OtlpHarness } from '../testing/otlp-harness.js';

const DIR = join(import.meta.dirname, 'testdata');
const CAPTURED_AT_MS = (
  JSON.parse(readFileSync(join(DIR, 'capture.json'), 'utf8')) as { capturedAtMs: number }
).capturedAtMs;
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/**
 * Golden payloads (see testdata/capture.ts: recorded from the OpenTelemetry JS SDK exporters, plus
 * a hand-written OTLP/JSON edge-case file) → the receiver's answer, the rollup points and the
 * error samples, compared with `<payload>.expected.json`. Run with UPDATE_GOLDEN=1 to rewrite
 * the expectations after a deliberate change, then review the diff.
 */
const CASES: { file: string; path: '/v1/traces' | '/v1/metrics'; timeMs?: number }[] = [
  { file: 'traces-current.json', path: '/v1/traces' },
  { file: 'traces-current.pb', path: '/v1/traces' },
  { file: 'traces-old.json', path: '/v1/traces' },
  { file: 'traces-old.pb', path: '/v1/traces' },
  { file: 'traces-edge.json', path: '/v1/traces' },
  { file: 'metrics-current.json', path: '/v1/metrics', timeMs: CAPTURED_AT_MS },
  { file: 'metrics-current.pb', path: '/v1/metrics', timeMs: CAPTURED_AT_MS },
  { file: 'metrics-old.json', path: '/v1/metrics', timeMs: CAPTURED_AT_MS },
  { file: 'metrics-old.pb', path: '/v1/metrics', timeMs: CAPTURED_AT_MS },
];

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function comparable(points: RollupPoint[]) {
  return points
    .map((p) => ({
      measurement: p.measurement,
      timeMs: p.timeMs,
      tags: p.tags,
      count: p.count,
      errors: p.errors,
      durationSumMs: round(p.durationSumMs),
      durationMaxMs: round(p.durationMaxMs),
      histogram: Object.fromEntries(Object.entries(p.histogram).map(([k, v]) => [k, round(v)])),
    }))
    .sort(
      (a, b) =>
        a.timeMs - b.timeMs ||
        seriesKey(a.measurement, a.tags).localeCompare(seriesKey(b.measurement, b.tags)),
    );
}

describe('golden OTLP payloads', () => {
  let harness: OtlpHarness;
  let samples: ErrorSample[];

  beforeEach(async () => {
    samples = [];
    harness = new OtlpHarness({
      rollup: { providers: { stripe: ['*.stripe.com'], twilio: ['/^api\\.twilio\\.com$/'] } },
      errorSamples: { publish: (s) => samples.push(s) },
    });
    await harness.start();
  });
  afterEach(async () => {
    await harness.stop();
  });

  it.each(CASES)('$file', async ({ file, path, timeMs }) => {
    if (timeMs !== undefined) harness.clock.set(timeMs);
    else harness.clock.set(Date.UTC(2026, 0, 5, 12, 0, 30));
    const body = readFileSync(join(DIR, file));
    const json = file.endsWith('.json');
    const res = await fetch(`${harness.otlpUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': json ? 'application/json' : 'application/x-protobuf' },
      body,
    });
    const answer = json ? await res.json() : Buffer.from(await res.arrayBuffer()).toString('base64');
    await harness.flushThrough(harness.clock.now());
    const actual = {
      status: res.status,
      contentType: res.headers.get('content-type'),
      answer,
      points: comparable((harness.store as MemoryStore).all()),
      errorSamples: samples,
    };
    const expectedFile = join(DIR, `${file}.expected.json`);
    if (UPDATE) writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + '\n');
    expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
  });
});
