import { errorMessage, HeadroomError } from '../../core/errors.js';
import { EXIT } from '../cli/command.js';
import { Demo, stamp, type DemoOptions } from './demo.js';

/**
 * Runs the demo until `durationSeconds` elapse or SIGINT/SIGTERM, then stops everything. A
 * second signal while stopping gives up on the clean stop.
 */
export async function runDemo(
  options: Omit<DemoOptions, 'print'> & { durationSeconds?: number },
): Promise<number> {
  const print = (line: string) => process.stdout.write(`${line}\n`);
  let demo: Demo;
  try {
    demo = await Demo.start({ ...options, print });
  } catch (err) {
    const code = err instanceof HeadroomError ? ` [${err.code}]` : '';
    process.stderr.write(`headroom demo: cannot start${code}: ${errorMessage(err)}\n`);
    return EXIT.error;
  }
  print(
    `(Ctrl-C to stop${options.durationSeconds ? `; stopping by itself after ${options.durationSeconds} s` : ''})`,
  );
  const reason = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    if (options.durationSeconds)
      setTimeout(() => resolve('duration'), options.durationSeconds * 1000).unref();
  });
  print(`${stamp(Date.now(), demo.scenario.startMs)} stopping (${reason})…`);
  const forced = new Promise<'forced'>((resolve) => {
    process.once('SIGINT', () => resolve('forced'));
    process.once('SIGTERM', () => resolve('forced'));
  });
  if ((await Promise.race([demo.stop(), forced])) === 'forced') return EXIT.error;
  const counts = demo.narrator.events.reduce<Record<string, number>>((acc, e) => {
    acc[e.kind] = (acc[e.kind] ?? 0) + 1;
    return acc;
  }, {});
  print(`stopped. narrated: ${JSON.stringify(counts)}`);
  return EXIT.ok;
}
