import type { Detector } from '../../core/detector.js';
import { HeadroomError } from '../../core/errors.js';
import { noveltyConfigSchema, windowedGaussianConfigSchema } from './config.js';
import { NoveltyDetector } from './novelty-detector.js';
import { WindowedGaussianDetector } from './windowed-gaussian-detector.js';

/** Builds one detector for one series from its (unvalidated) settings. */
export interface DetectorEntry {
  readonly description: string;
  create(options?: unknown): Detector;
}

/** Every detector by name, sorted. No registration by import side effect. */
export const DETECTORS = {
  novelty: {
    description:
      'default: records of value, short-term mean and time-of-day residual, one alert per incident',
    create: (options?: unknown) => new NoveltyDetector(noveltyConfigSchema.parse(options ?? {})),
  },
  'windowed-gaussian': {
    description: "NAB's baseline: Gaussian tail against a sliding window (a yardstick, not for production)",
    create: (options?: unknown) =>
      new WindowedGaussianDetector(windowedGaussianConfigSchema.parse(options ?? {})),
  },
} as const satisfies Record<string, DetectorEntry>;

export type DetectorName = keyof typeof DETECTORS;

/** The detector `headroom detect` and the daemon use unless told otherwise. */
export const DEFAULT_DETECTOR: DetectorName = 'novelty';

export function isDetectorName(name: string): name is DetectorName {
  return Object.hasOwn(DETECTORS, name);
}

/**
 * Creates a detector by name. Throws HeadroomError `detector_unknown` for an unknown name and
 * lets zod's error through for invalid options (the caller validates config at its boundary).
 */
export function createDetector(name: string, options?: unknown): Detector {
  if (!isDetectorName(name)) {
    throw new HeadroomError(
      'detector_unknown',
      `unknown detector "${name}" (known: ${Object.keys(DETECTORS).join(', ')})`,
    );
  }
  return DETECTORS[name].create(options);
}
