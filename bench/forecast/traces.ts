import { join } from 'node:path';

/** A development trace and the outage stretches its README lists (masked when scoring). */
export interface TraceSpec {
  readonly name: string;
  readonly path: string;
  /** [from, to] inclusive, as written in the file's timestamp column. */
  readonly outages: readonly (readonly [string, string])[];
}

/** The dev traces of issue 4 (shared/data/traces/README.md and the NAB ELB request count). */
export function devTraces(shared: string): TraceSpec[] {
  const t = (f: string): string => join(shared, 'data', 'traces', f);
  return [
    {
      name: 'nasa_jul_1min',
      path: t('nasa_http_1995_jul_1min.csv'),
      outages: [['1995-07-13 19:43:00', '1995-07-13 20:10:00']],
    },
    {
      name: 'nasa_aug_1min',
      path: t('nasa_http_1995_aug_1min.csv'),
      outages: [['1995-08-13 02:31:00', '1995-08-13 03:02:00']],
    },
    {
      name: 'saskatchewan_1h',
      path: t('saskatchewan_http_1995_1h.csv'),
      outages: [
        ['1995-06-16 05:00:00', '1995-06-16 07:59:00'],
        ['1995-08-08 00:00:00', '1995-08-08 07:59:00'],
      ],
    },
    { name: 'azure_fn_1min', path: t('azure_functions_2019_fn40d07b99_1min.csv'), outages: [] },
    {
      name: 'elb_8c0756_5min',
      path: join(shared, 'data', 'nab-dev', 'data', 'realAWSCloudwatch', 'elb_request_count_8c0756.csv'),
      outages: [],
    },
  ];
}

/**
 * First target row: after two weeks of history when at least a week of targets remains after
 * them (so the weekly seasonal naive is defined and there is a lot to score), else after one
 * week (the 14-day traces: the second week is scored).
 */
export function startRow(rows: number, weekRows: number): number {
  return rows >= 3 * weekRows ? 2 * weekRows : Math.min(weekRows, Math.floor(rows / 2));
}
