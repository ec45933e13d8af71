import { extractBody, type GridLayout, organize, override, tablePanel, type Json } from './panels.js';
import { recordQueries } from './queries.js';

/** The tables of records: open incidents, target states, decisions and anomalies. */
export function recordPanels(grid: GridLayout): Json[] {
  const time = (name: string) => override({ id: 'byName', options: name }, { unit: 'dateTimeAsIso' });
  return [
    grid.row('Incidents, anomalies and decisions'),
    tablePanel(grid.place(24, 6), {
      title: 'Open incidents',
      description:
        'Incidents still open, whenever they started (not limited to the time range), with their summary.',
      targets: [{ refId: 'A', query: recordQueries.openIncidents, format: 'table' }],
      transformations: [
        extractBody(
          undefined,
          [
            ['severity', 'severity'],
            ['title', 'title'],
            ['summary', 'summary'],
            ['startedMs', 'started'],
            ['updatedMs', 'updated'],
          ],
          { time: false, otherColumns: false },
        ),
      ],
      overrides: [time('started'), time('updated')],
    }),
    tablePanel(grid.place(24, 8), {
      title: 'Targets: current vs desired',
      description:
        'Latest decision per target, control and subject: the state read from the target, the state ' +
        'Headroom wants, the mode (dry_run or enforce) and the outcome.',
      targets: [{ refId: 'A', query: recordQueries.targetStates, format: 'table' }],
      transformations: [
        extractBody(
          undefined,
          [
            ['mode', 'mode'],
            ['outcome', 'outcome'],
            ['current', 'current'],
            ['desired', 'desired'],
            ['reasons[0]', 'why'],
          ],
          { time: true, otherColumns: true },
        ),
        organize(['Time', 'target', 'control', 'provider', 'service', 'endpoint', 'mode', 'outcome']),
      ],
    }),
    tablePanel(grid.place(12, 10), {
      title: 'Decisions',
      description:
        'Every decision in the time range, newest first (in dry-run a standing wish repeats each tick).',
      targets: [{ refId: 'A', query: recordQueries.decisions, format: 'table' }],
      transformations: [
        extractBody(
          undefined,
          [
            ['mode', 'mode'],
            ['outcome', 'outcome'],
            ['desired', 'desired'],
            ['reasons', 'reasons'],
            ['error', 'error'],
          ],
          { time: true, otherColumns: true },
        ),
        organize(['Time', 'target', 'control', 'policy', 'outcome', 'mode']),
      ],
    }),
    tablePanel(grid.place(12, 10), {
      title: 'Anomalies',
      description: 'Anomalies in the time range, newest first: score, observed vs expected, and why.',
      targets: [{ refId: 'A', query: recordQueries.anomalies, format: 'table' }],
      transformations: [
        extractBody(
          undefined,
          [
            ['score', 'score'],
            ['observed', 'observed'],
            ['expected', 'expected'],
            ['explanation', 'explanation'],
          ],
          { time: true, otherColumns: true },
        ),
        organize(['Time', 'signal', 'provider', 'endpoint', 'service', 'score']),
      ],
    }),
  ];
}
