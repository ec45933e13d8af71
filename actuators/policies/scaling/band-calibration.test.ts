import { describe, expect, it } from 'vitest';
import type { Forecast } from '../../../core/forecaster.js';
import { pendingThreshold, updateCalibration } from './band-calibration.js';

const STEP = 60_000;
const settings = { level: 0.9, gain: 0.1, minScale: 0.5, maxScale: 2 };
const pending = { fromMs: 0, toMs: STEP, threshold: 100 };

describe('updateCalibration', () => {
  it.each([
    {
      name: 'exceeded: widen by exp(gain × (1 − α))',
      load: 120,
      now: STEP,
      scale: 1,
      want: Math.exp(0.1 * 0.9),
      exceeded: true,
    },
    {
      name: 'not exceeded: narrow by exp(gain × α)',
      load: 80,
      now: STEP,
      scale: 1,
      want: Math.exp(-0.1 * 0.1),
      exceeded: false,
    },
    { name: 'clamped at maxScale', load: 120, now: STEP, scale: 1.99, want: 2, exceeded: true },
    { name: 'clamped at minScale', load: 80, now: STEP, scale: 0.5, want: 0.5, exceeded: false },
    {
      name: 'the pending interval has not ended yet: unchanged',
      load: 120,
      now: STEP - 1,
      scale: 1.3,
      want: 1.3,
      exceeded: undefined,
    },
    {
      name: 'the pending interval is older than the one that just ended: unchanged',
      load: 120,
      now: 2 * STEP,
      scale: 1.3,
      want: 1.3,
      exceeded: undefined,
    },
    { name: 'no load: unchanged', load: Number.NaN, now: STEP, scale: 1.3, want: 1.3, exceeded: undefined },
  ])('$name', ({ load, now, scale, want, exceeded }) => {
    const got = updateCalibration({ scale, pending }, load, now, settings);
    expect(got.scale).toBeCloseTo(want, 12);
    expect(got.exceeded).toBe(exceeded);
  });

  it('converges on the exceedance rate the level asks for', () => {
    // Load exceeds p50 + scale × 10 with probability falling in scale; deterministic sequence.
    let state = { scale: 1, pending: { fromMs: 0, toMs: STEP, threshold: 0 } };
    let exceeded = 0;
    const n = 20_000;
    for (let i = 1; i <= n; i++) {
      const load = 100 + 30 * (((i * 0.6180339887) % 1) - 0.5); // uniform on [85, 115)
      const next = updateCalibration(state, load, i * STEP, { ...settings, minScale: 0.01, maxScale: 10 });
      if (next.exceeded) exceeded++;
      state = {
        scale: next.scale,
        pending: { fromMs: i * STEP, toMs: (i + 1) * STEP, threshold: 100 + next.scale * 10 },
      };
    }
    expect(exceeded / n).toBeGreaterThan(0.09);
    expect(exceeded / n).toBeLessThan(0.11);
    // 10 % of uniform [85, 115) lies above 112: scale ≈ 1.2
    expect(state.scale).toBeGreaterThan(1.1);
    expect(state.scale).toBeLessThan(1.3);
  });
});

describe('pendingThreshold', () => {
  const forecast: Forecast = {
    startMs: 0,
    stepMs: STEP,
    p10: Float64Array.of(80),
    p50: Float64Array.of(100),
    p90: Float64Array.of(120),
    modelId: 'f',
    modelVersion: '1',
  };
  it.each([
    { scale: 1, floor: undefined, want: 120 },
    { scale: 0.5, floor: undefined, want: 110 },
    { scale: 0.5, floor: 130, want: 130 },
  ])('scale $scale, floor $floor: $want', ({ scale, floor, want }) => {
    expect(pendingThreshold(forecast, 0.9, scale, floor)).toEqual({ fromMs: 0, toMs: STEP, threshold: want });
  });
});
