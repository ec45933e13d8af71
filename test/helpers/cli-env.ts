/**
 * The environment for a `headroom` child process: the test runner's own, minus every
 * HEADROOM_* variable (HEADROOM_TEST_INFLUX_URL and friends configure the tests, and the
 * daemon rejects HEADROOM_* names that are not configuration keys), plus `extra`.
 */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('HEADROOM_')) env[name] = value;
  }
  return { ...env, ...extra };
}
