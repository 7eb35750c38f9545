#!/usr/bin/env bash
# The platform benchmark (not a test): a release build serving a demo service of N participants
# (`tend demo`), loaded with wrk on loopback. Routes: the participant home page (/), a module page
# (/my/sessions/1) and the same server's static plain-text route (/robots.txt), signed in as 32 different
# participants (the requests rotate through their session cookies). Every response must be 200: a
# redirect to the sign-in page would make the numbers meaningless, so the script counts and reports them.
# Runs on SQLite (WAL, synchronous=FULL) and on PostgreSQL 15 with fsync on when its binaries exist.
#
#   bash Benchmarks/platform.sh                  # 10,000 participants, both databases
#   bash Benchmarks/platform.sh 2000             # a smaller service
#   DBS=sqlite DURATION=20 CONNECTIONS=64 THREADS=2 bash Benchmarks/platform.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
duration=${DURATION:-10}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
dbs=${DBS:-"sqlite postgres"}
bin=${TEND_BIN:-.build/release/tend}
password="benchmark-password-$$"
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk"; exit 1; }
[ -n "${TEND_BIN:-}" ] || swift build -c release --static-swift-stdlib --product tend 2>&1 | tail -n 1

# shellcheck source=../.ci/pg-lib.sh
source .ci/pg-lib.sh
work=$(mktemp -d -t tend-platform-bench.XXXXXX)
server=""
stop_server() {
  if [ -n "$server" ]; then kill -INT "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; fi
}
trap 'stop_server; pg_down; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Signs in as $1 and prints the session cookie's value.
sign_in() {
  local jar="$work/jar" csrf
  rm -f "$jar"
  csrf=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "email=$1" \
    --data-urlencode "password=$password" "$base/login"
  awk '$6 == "tend_session" { print $7 }' "$jar"
}

cat > "$work/rotate.lua" <<'LUA'
-- Each request carries the next participant's session cookie; anything but a 200 is counted.
cookies, i, bad = {}, 0, 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  for line in io.lines(args[1]) do table.insert(cookies, line) end
  i = math.random(#cookies)
end
function request()
  i = i % #cookies + 1
  return wrk.format("GET", nil, { ["Cookie"] = "tend_session=" .. cookies[i] })
end
function response(status) if status ~= 200 then bad = bad + 1 end end
function done()
  local total = 0
  for _, t in ipairs(threads) do total = total + (t:get("bad") or 0) end
  io.write(string.format("NOT200 %d\n", total))
end
LUA

# Runs wrk on one path; prints "req/s p50 p99 not200".
load() {
  local out
  out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$work/rotate.lua" "$base$1" -- "$work/cookies")
  echo "$out" >> "$work/wrk.log"
  local rps p50 p99 bad
  rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
  p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
  p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
  bad=$(echo "$out" | awk '$1 == "NOT200" { print $2 }')
  echo "$rps $p50 $p99 $bad"
}

echo "platform benchmark: $n participants, wrk -t$threads -c$connections -d${duration}s, $(nproc) cores"
printf '%-9s %-22s %12s %10s %10s %8s %10s\n' database route "req/s" p50 p99 "not 200" "of static"
for db in $dbs; do
  data="$work/data-$db"
  unset TEND_DATABASE_URL
  if [ "$db" = postgres ]; then
    if [ ! -x /usr/local/bin/pg_ctl ]; then echo "postgres: binaries not found, skipped"; continue; fi
    PG_FSYNC=on pg_up tend_bench >/dev/null
    export TEND_DATABASE_URL="$DATABASE_URL"
  fi
  TEND_DATA_DIR="$data" "$bin" demo --participants "$n" --password "$password" > "$work/demo-$db.txt"
  port=$(free_port)
  base="http://127.0.0.1:$port"
  TEND_DATA_DIR="$data" TEND_LOG_LEVEL=warning "$bin" serve --port "$port" > "$work/server-$db.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
  : > "$work/cookies"
  for i in $(seq 1 32); do
    sign_in "$(printf 'p%05d@demo.tend.invalid' $(( (i * 311) % n + 1 )))" >> "$work/cookies"
  done
  [ "$(grep -c . "$work/cookies")" -eq 32 ] || { echo "could not sign in the benchmark participants"; cat "$work/server-$db.log"; exit 1; }
  curl -s -o /dev/null "$base/robots.txt"; curl -s -o /dev/null -b "tend_session=$(head -1 "$work/cookies")" "$base/"
  read -r s_rps s_p50 s_p99 s_bad < <(load /robots.txt)
  read -r h_rps h_p50 h_p99 h_bad < <(load /)
  read -r m_rps m_p50 m_p99 m_bad < <(load /my/sessions/1)
  for row in "static /robots.txt|$s_rps|$s_p50|$s_p99|$s_bad" "home /|$h_rps|$h_p50|$h_p99|$h_bad" \
             "module /my/sessions/1|$m_rps|$m_p50|$m_p99|$m_bad"; do
    IFS='|' read -r route rps p50 p99 bad <<< "$row"
    ratio=$(awk -v a="$rps" -v b="$s_rps" 'BEGIN { printf "%.0f%%", 100 * a / b }')
    printf '%-9s %-22s %12s %10s %10s %8s %10s\n' "$db" "$route" "$rps" "$p50" "$p99" "$bad" "$ratio"
  done
  stop_server
  [ "$db" = postgres ] && pg_down
done
