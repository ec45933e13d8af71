#!/usr/bin/env bash
# The test command (`npm test`): the whole vitest suite, then every notebook, then one line
# "N passed, N failed" (the CI reader does not read vitest's own summary).
#
# Tests start the real servers they need (influxd, nginx, redis-server, chromium) on free
# loopback ports; outside CI a missing server makes its tests skip with a message, in CI
# (CI=true) it fails them. Install them on Debian with:
#   apt-get install -y influxdb influxdb-client nginx redis-server chromium openssl \
#     jupyter-nbconvert python3-ipykernel jupyter-client
# Arguments are passed to vitest (e.g. `npm test -- collectors`); with arguments the notebooks
# are skipped.
set -u
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

npx vitest run --reporter=default --reporter=json --outputFile.json="$out/vitest.json" "$@"

read -r passed failed < <(node -e '
  const fs = require("fs");
  let r = { numPassedTests: 0, numFailedTests: 0, numFailedTestSuites: 0, testResults: [] };
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { r.numFailedTests = 1; }
  // A file that fails to load has no failed tests but is a failure.
  const broken = (r.testResults || []).filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
  console.log(r.numPassedTests, r.numFailedTests + broken);
' "$out/vitest.json")

if [ $# -eq 0 ] && [ -x notebooks/run.sh ]; then
  if bash notebooks/run.sh "$out/notebooks"; then :; fi
  if [ -f "$out/notebooks/counts" ]; then
    read -r nb_passed nb_failed < "$out/notebooks/counts"
    passed=$((passed + nb_passed)); failed=$((failed + nb_failed))
  else
    failed=$((failed + 1))
  fi
fi

echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
