#!/usr/bin/env bash
# Concurrent randomisation benchmark (not a test): a release build of `tend serve`, one study, N people
# screened and consented (one through the pages, the rest copied in the database), then N staff
# "allocate" POSTs fired at once. Checks from the database that no slot of the concealed sequence was
# taken twice (indexes 0..N-1 once each, each person once) and that arms balance within every complete
# block; reports allocations per second and latency (p50, p99). SQLite (WAL) and PostgreSQL 15 (fsync on),
# as Benchmarks/platform.sh runs them.
#
#   bash Benchmarks/randomise-concurrent.sh            # 200 allocations, both databases
#   COUNT=50 DBS=sqlite bash Benchmarks/randomise-concurrent.sh
#   TEND_BIN=.build-x/release/tend bash Benchmarks/randomise-concurrent.sh
set -euo pipefail
cd "$(dirname "$0")/.."
count=${COUNT:-200}
dbs=${DBS:-"sqlite postgres"}
bin=${TEND_BIN:-.build/release/tend}
password="benchmark-password-$$"
python3 -c 'import psycopg' 2>/dev/null || [ "$dbs" = sqlite ] || { echo "psycopg is not installed: pip install 'psycopg[binary]'"; exit 1; }
[ -n "${TEND_BIN:-}" ] || swift build -c release --static-swift-stdlib --product tend 2>&1 | tail -n 1

# shellcheck source=../.ci/pg-lib.sh
source .ci/pg-lib.sh
work=$(mktemp -d -t tend-randomise-bench.XXXXXX)
server=""
stop_server() {
  if [ -n "$server" ]; then kill -INT "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; fi
}
trap 'stop_server; pg_down; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "concurrent randomisation benchmark: $count allocations at once, $(nproc) cores"
for db in $dbs; do
  data="$work/data-$db"
  unset TEND_DATABASE_URL
  location="$data/tend.sqlite"
  if [ "$db" = postgres ]; then
    if [ ! -x /usr/local/bin/pg_ctl ]; then echo "postgres: binaries not found, skipped"; continue; fi
    PG_FSYNC=on pg_up tend_bench >/dev/null
    export TEND_DATABASE_URL="$DATABASE_URL"
    location="$DATABASE_URL"
  fi
  # The demo's admin account (one participant is enough) signs in to run the study.
  TEND_DATA_DIR="$data" "$bin" demo --participants 1 --password "$password" > "$work/demo-$db.txt"
  admin=$(awk '$1 == "admin" { print $2 }' "$work/demo-$db.txt")
  port=$(free_port)
  base="http://127.0.0.1:$port"
  TEND_DATA_DIR="$data" TEND_LOG_LEVEL=warning "$bin" serve --port "$port" > "$work/server-$db.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
  python3 Benchmarks/randomise_concurrent.py --base "$base" --db "$db" --location "$location" \
    --email "$admin" --password "$password" --count "$count" \
    || { echo "$db: benchmark failed; server log:"; tail -n 40 "$work/server-$db.log"; exit 1; }
  stop_server
  [ "$db" = postgres ] && pg_down
done
