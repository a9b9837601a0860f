#!/usr/bin/env bash
# Runs every example non-interactively (as CI does). Each example's package.json has
# a "ci" script that runs it with a scripted reviewer.
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in examples/*/; do
  if [ -f "$dir/package.json" ] && grep -q '"ci"' "$dir/package.json"; then
    printf '\n--- example %s ---\n' "$dir"
    (cd "$dir" && pnpm run ci)
  fi
done
