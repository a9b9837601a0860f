#!/usr/bin/env bash
# Stops the throwaway cluster started by scripts/start-postgres.sh and deletes its folder
# (same PGTEST_DIR / PGTEST_BIN). Keeps the folder with PGTEST_KEEP=1.
set -euo pipefail

DIR="${PGTEST_DIR:-/tmp/safeguards-pg}"
BIN="${PGTEST_BIN:-/usr/lib/postgresql/15/bin}"
[ -x "$BIN/pg_ctl" ] || BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"
    else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

if [ -f "$DIR/postmaster.pid" ]; then
  as_owner "$BIN/pg_ctl" -D "$DIR" -m fast -w stop >&2 || true
fi
if [ "${PGTEST_KEEP:-0}" != "1" ]; then rm -rf "$DIR"; fi
