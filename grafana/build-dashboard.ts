import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { headroomDashboard } from './headroom-dashboard.js';

/** Where the generated dashboard lives (committed, so Grafana users need not run anything). */
export const DASHBOARD_FILE = join(dirname(fileURLToPath(import.meta.url)), 'headroom-influxdb.json');

/** The dashboard JSON exactly as committed: formatted as the repository's prettier config says. */
export async function buildDashboard(): Promise<string> {
  const options = (await prettier.resolveConfig(DASHBOARD_FILE)) ?? {};
  return prettier.format(JSON.stringify(headroomDashboard()), { ...options, filepath: DASHBOARD_FILE });
}

async function main(): Promise<void> {
  const text = await buildDashboard();
  if (process.argv.includes('--check')) {
    if (readFileSync(DASHBOARD_FILE, 'utf8') !== text) {
      console.error(`${DASHBOARD_FILE} is stale: run npx tsx grafana/build-dashboard.ts`);
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(DASHBOARD_FILE, text);
  console.log(`wrote ${DASHBOARD_FILE}`);
}

// `npx tsx grafana/build-dashboard.ts` rewrites the file; `--check` fails when it is stale.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
