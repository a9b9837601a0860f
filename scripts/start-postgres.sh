#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 cluster on 127.0.0.1 for tests, and prints the shell line
# that points the tests at it:
#   eval "$(bash scripts/start-postgres.sh)"
# Environment: PGTEST_DIR (cluster folder, default /tmp/safeguards-pg), PGTEST_PORT
# (default: the first free port from 54329). Idempotent: when a cluster is already running
# in PGTEST_DIR, it is reused (on its own port).
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
# Everything but the final `export` line goes to stderr.
set -euo pipefail

DIR="${PGTEST_DIR:-/tmp/safeguards-pg}"
PORT="${PGTEST_PORT:-}"
BIN="${PGTEST_BIN:-/usr/lib/postgresql/15/bin}"

log() { printf 'start-postgres: %s\n' "$*" >&2; }

if [ ! -x "$BIN/initdb" ]; then
  log "PostgreSQL binaries missing in $BIN; installing postgresql with apt-get"
  if [ "$(id -u)" -ne 0 ]; then log "need root to install postgresql"; exit 1; fi
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
  # Debian's package starts its own cluster on 5432; this script does not need it.
  if [ ! -x "$BIN/initdb" ]; then
    BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    log "using $BIN"
  fi
fi

# Run a command as the cluster owner (root cannot run PostgreSQL).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"
    else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -f "$DIR/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  PORT="$(sed -n 4p "$DIR/postmaster.pid")"
  log "reusing the cluster running in $DIR on port $PORT"
else
  if [ -z "$PORT" ]; then
    PORT=54329
    while port_in_use "$PORT"; do PORT=$((PORT + 1)); done
  fi
  if [ ! -f "$DIR/PG_VERSION" ]; then
    rm -rf "$DIR"
    mkdir -p "$DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$DIR"
    chmod 700 "$DIR"
    as_owner "$BIN/initdb" -D "$DIR" -A trust -U postgres -E UTF8 --no-sync >&2
  fi
  # fsync off: a throwaway cluster for tests trades durability for speed.
  as_owner "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" \
    -o "-k $DIR -p $PORT -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
    -w -t 60 start >&2
fi

echo "export SAFEGUARDS_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/postgres"
