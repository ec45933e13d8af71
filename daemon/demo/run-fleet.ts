import { EXIT } from '../cli/command.js';
import { Fleet } from './fleet.js';
import { Scenario } from './scenario.js';

/** The line a fleet process prints once its providers listen and its load runs. */
export const FLEET_READY = 'fleet ready';

/**
 * The fleet in a process of its own (`headroom demo-fleet`, started by the demo): its event
 * loop is not the daemon's, so what its spans measure is the providers' latency and not the
 * daemon's pauses (detection passes, SQLite writes). Exports from `startMs` on; stops on
 * SIGINT/SIGTERM after flushing its spans.
 */
export async function runFleet(options: {
  startMs: number;
  speed: number;
  otlpTracesUrl: string;
}): Promise<number> {
  const scenario = new Scenario(options.startMs, options.speed);
  const fleet = await Fleet.start(scenario);
  process.stdout.write(`${FLEET_READY}\n`);
  const exporting = setTimeout(
    () => fleet.startExporting(options.otlpTracesUrl),
    Math.max(0, options.startMs - Date.now()),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    // The demo went away without telling us (killed): do not outlive it.
    process.stdin.once('end', () => resolve());
    process.stdin.resume();
  });
  clearTimeout(exporting);
  await fleet.stop();
  return EXIT.ok;
}
