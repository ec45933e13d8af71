import { describe, expect, it } from 'vitest';
import { detectorConfigSchema } from './config.js';
import { DEFAULT_DETECTOR, DETECTORS, createDetector } from './registry.js';

describe('detector registry', () => {
  it('is sorted by name and holds the default', () => {
    const names = Object.keys(DETECTORS);
    expect(names).toEqual([...names].sort());
    expect(names).toContain(DEFAULT_DETECTOR);
  });

  it.each(Object.keys(DETECTORS))('creates %s with defaults, and its id is its name', (name) => {
    expect(createDetector(name).id).toBe(name);
  });

  it('rejects an unknown name and invalid options', () => {
    expect(() => createDetector('nope')).toThrow(
      /unknown detector "nope" \(known: novelty, windowed-gaussian\)/,
    );
    expect(() => createDetector('novelty', { warmupPoints: -1 })).toThrow();
    expect(() => createDetector('novelty', { unknownKey: 1 })).toThrow();
  });

  it('validates per-series config in the daemon form, with defaults filled in', () => {
    const cfg = detectorConfigSchema.parse({ type: 'novelty', seasonal: { enabled: false } });
    expect(cfg).toMatchObject({
      type: 'novelty',
      warmupPoints: 500,
      seasonal: { enabled: false, periodMs: 86_400_000 },
    });
    const { type, ...options } = cfg;
    expect(createDetector(type, options).id).toBe('novelty');
    expect(() => detectorConfigSchema.parse({ type: 'windowed-gaussian', tolerance: 3 })).toThrow();
  });
});
