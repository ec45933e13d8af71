import { EXIT } from '../cli/command.js';
import { Fleet } from './fleet.js';
import { Scenario } from './scenario.js';

/** The line a fleet process prints once its providers listen and its load runs. */
export const FLEET_READY = 'fleet ready';

/** What the demo writes to the fleet's stdin: export (and run the timeline) from this time on. */
export function startLine(startMs: number): string {
  return `start ${startMs}\n`;
}

/**
 * The fleet in a process of its own (`headroom demo-fleet`, started by the demo): its event
 * loop is not the daemon's, so what its spans measure is the providers' latency and not the
 * daemon's pauses (detection passes, SQLite writes). Sends load from the start, exports spans
 * from the time the demo gives on stdin (`start <ms>`: the daemon is up); stops on
 * SIGINT/SIGTERM, or when stdin closes, after flushing its spans.
 */
export async function runFleet(options: {
  anchorMs: number;
  speed: number;
  otlpTracesUrl: string;
}): Promise<number> {
  const fleet = await Fleet.start(new Scenario(options.anchorMs, options.speed));
  process.stdout.write(`${FLEET_READY}\n`);
  let exporting: NodeJS.Timeout | undefined;
  let input = '';
  process.stdin.on('data', (d: Buffer) => {
    input += d.toString('utf8');
    const m = /start (\d+)\n/.exec(input);
    if (!m || exporting) return;
    const startMs = Number(m[1]);
    fleet.setScenario(new Scenario(options.anchorMs, options.speed, startMs));
    exporting = setTimeout(
      () => fleet.startExporting(options.otlpTracesUrl),
      Math.max(0, startMs - Date.now()),
    );
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    // The demo went away without telling us (killed): do not outlive it.
    process.stdin.once('end', () => resolve());
  });
  clearTimeout(exporting);
  await fleet.stop();
  return EXIT.ok;
}
