import { describe, expect, it } from 'vitest';
import { planParts } from './influx-rollup-query.js';
import { DOWNSAMPLED_RP, RAW_RP } from './influx-schema.js';

const MIN = 60_000;
const DAY = 86_400_000;
const now = Date.UTC(2026, 0, 20, 12, 7, 30);
const aligned = Date.UTC(2026, 0, 20, 12, 5);

describe('planParts (which retention policy serves which part of a query)', () => {
  it.each([
    [
      '10 s steps, recent: raw only',
      { from: now - DAY, to: now, stepMs: 10_000 },
      [[RAW_RP, now - DAY, now]],
    ],
    [
      '5 min steps: downsampled up to 15 min before now, raw after',
      { from: now - DAY, to: now, stepMs: 5 * MIN },
      [
        [DOWNSAMPLED_RP, now - DAY, aligned - 15 * MIN],
        [RAW_RP, aligned - 15 * MIN, now],
      ],
    ],
    [
      '1 h steps ending an hour ago: downsampled only',
      { from: now - DAY, to: now - 60 * MIN, stepMs: 60 * MIN },
      [[DOWNSAMPLED_RP, now - DAY, now - 60 * MIN]],
    ],
    [
      '7 min steps (not a multiple of 5 min): raw',
      { from: now - DAY, to: now, stepMs: 7 * MIN },
      [[RAW_RP, now - DAY, now]],
    ],
    [
      '1 min steps reaching past raw retention: downsampled for the old part',
      { from: now - 20 * DAY, to: now - 10 * DAY, stepMs: MIN },
      [
        [DOWNSAMPLED_RP, now - 20 * DAY, aligned - 14 * DAY + 5 * MIN],
        [RAW_RP, aligned - 14 * DAY + 5 * MIN, now - 10 * DAY],
      ],
    ],
  ])('%s', (_name, query, expected) => {
    expect(planParts(query, now, 14).map((p) => [p.rp, p.fromMs, p.toMs])).toEqual(expected);
  });
});
