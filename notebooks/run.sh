#!/usr/bin/env bash
# Executes every notebooks/*.ipynb headless with the tslab TypeScript kernel; fails (exit != 0)
# when any cell fails. Needs Debian jupyter-nbconvert + python3-ipykernel and npm tslab.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
npx tslab install --python=/usr/bin/python3 --binary "$ROOT/node_modules/.bin/tslab" --prefix "$ROOT/.jupyter" >/dev/null
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
status=0
for nb in notebooks/*.ipynb; do
  echo "notebook: $nb"
  start=$(date +%s)
  if JUPYTER_PATH="$ROOT/.jupyter/share/jupyter" /usr/bin/python3 -m jupyter nbconvert --to notebook --execute \
    --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.startup_timeout=300 --ExecutePreprocessor.kernel_name=tslab "$nb" --output-dir "$OUT"; then
    echo "notebook: $nb ok in $(( $(date +%s) - start )) s"
  else
    echo "notebook: $nb FAILED"
    status=1
  fi
done
exit $status
