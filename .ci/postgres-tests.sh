#!/usr/bin/env bash
# Runs the server test suite against a throwaway PostgreSQL 15: started as an unprivileged OS user in a
# temporary folder, on a random port, listening on 127.0.0.1 only, and stopped (with its files deleted)
# however the tests end. Exits with the tests' status.
# Usage: bash .ci/postgres-tests.sh [extra swift test arguments, e.g. --scratch-path .build-x]
set -uo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=pg-lib.sh
source .ci/pg-lib.sh

trap pg_down EXIT
export PG_EXTRA_OPTIONS="${PG_EXTRA_OPTIONS:--c max_connections=1500}"
pg_up tend_tests || { echo "could not start PostgreSQL"; exit 1; }

# Each test creates its own database from this one's server and drops it afterwards.
TEND_TEST_POSTGRES_URL="$DATABASE_URL" swift test "$@" --filter TendServerTests
status=$?
pg_down
exit $status
