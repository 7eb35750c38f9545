#!/usr/bin/env bash
# Runs the server test suite against a throwaway PostgreSQL 15: started as an unprivileged OS user in a
# temporary folder, on a random port, listening on 127.0.0.1 only, and stopped (with its files deleted)
# however the tests end. Exits with the tests' status.
# Usage: bash .ci/postgres-tests.sh [extra swift test arguments, e.g. --scratch-path .build-x]
set -uo pipefail
cd "$(dirname "$0")/.."

pg_up() {  # usage: pg_up [db]; exports DATABASE_URL, PGTMP, PGPORT, PGPID
  local db=${1:-app} u=${PG_OS_USER:-postgres} bin=/usr/local/bin
  id -u "$u" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$u"
  PGTMP=$(mktemp -d -t pg.XXXXXX) && chown "$u" "$PGTMP"
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  runuser -u "$u" -- "$bin/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --no-sync >"$PGTMP/initdb.log" 2>&1 \
    || { cat "$PGTMP/initdb.log"; return 1; }
  runuser -u "$u" -- "$bin/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 30 \
    -o "-F -p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c max_connections=400" start >/dev/null || { cat "$PGTMP/server.log"; return 1; }
  PGPID=$(head -1 "$PGTMP/data/postmaster.pid")
  psql -h "$PGTMP" -p "$PGPORT" -U postgres -d postgres -qAtc "CREATE DATABASE \"$db\"" || return 1
  export PGTMP PGPORT PGPID
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/$db?tlsmode=disable"
  echo "postgres pid=$PGPID port=$PGPORT dir=$PGTMP"
}

pg_down() {  # stops the server started by pg_up and deletes its files
  [ -n "${PGTMP:-}" ] || return 0
  runuser -u "${PG_OS_USER:-postgres}" -- /usr/local/bin/pg_ctl -D "$PGTMP/data" -m fast -w stop >/dev/null || kill -INT "$PGPID"
  rm -rf "$PGTMP"; unset PGTMP PGPORT PGPID DATABASE_URL
}

trap pg_down EXIT
pg_up tend_tests || { echo "could not start PostgreSQL"; exit 1; }

# Each test creates its own database from this one's server and drops it afterwards.
TEND_TEST_POSTGRES_URL="$DATABASE_URL" swift test "$@" --filter TendServerTests
status=$?
pg_down
exit $status
