#!/usr/bin/env bash
# The practice-writes benchmark (not a test): a release build serving a demo service of N participants
# (`tend demo`), loaded with wrk on loopback with form POSTs to /my/practice (a new practice entry each
# time) and /my/diary (today's diary, saved again and again: one row a day, each save counted in its
# `saves` column). 32 participants are signed in; each request carries one participant's session cookie
# and that session's CSRF token (the Lua script rotates through them). Every acknowledged write is a 303;
# anything else is counted. Afterwards the database is read back: every acknowledged write must be there
# (practice: rows; diary: the sum of saves), or the run reports a durability failure.
# Runs on SQLite (WAL, synchronous=FULL: checked on every pool connection by ServerConfigurationTests)
# and on PostgreSQL 15 with fsync on when its binaries exist, as platform.sh does.
#
#   bash Benchmarks/practice-writes.sh                  # 10,000 participants, both databases
#   DURATION=5 bash Benchmarks/practice-writes.sh 500   # a quick check of the script
#   DBS=sqlite CONNECTIONS=64 THREADS=2 bash Benchmarks/practice-writes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
dbs=${DBS:-"sqlite postgres"}
bin=${TEND_BIN:-.build/release/tend}
password="benchmark-password-$$"
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk"; exit 1; }
[ -n "${TEND_BIN:-}" ] || swift build -c release --static-swift-stdlib --product tend 2>&1 | tail -n 1

# shellcheck source=../.ci/pg-lib.sh
source .ci/pg-lib.sh
work=$(mktemp -d -t tend-practice-bench.XXXXXX)
server=""
stop_server() {
  if [ -n "$server" ]; then kill -INT "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; fi
}
trap 'stop_server; pg_down; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Signs in as $1 and prints "cookie token": the session cookie and the CSRF token of that session.
sign_in() {
  local jar="$work/jar" csrf cookie token
  rm -f "$jar"
  csrf=$(curl -s -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "email=$1" \
    --data-urlencode "password=$password" "$base/login"
  cookie=$(awk '$6 == "tend_session" { print $7 }' "$jar")
  token=$(curl -s -b "tend_session=$cookie" "$base/my/practice" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  [ -n "$cookie" ] && [ -n "$token" ] && echo "$cookie $token"
}

cat > "$work/post.lua" <<'LUA'
-- Each request is a form POST carrying the next participant's session cookie and CSRF token. A 303 is an
-- acknowledged write; anything else is counted.
sessions, i, acked, bad, s4xx, s5xx = {}, 0, 0, 0, 0, 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  for line in io.lines(args[1]) do
    local cookie, token = line:match("^(%S+) (%S+)$")
    table.insert(sessions, { cookie = cookie, token = token })
  end
  kind = args[2]
  i = math.random(#sessions)
end
function request()
  i = i % #sessions + 1
  local s = sessions[i]
  local body
  if kind == "diary" then
    body = string.format("csrf=%s&pain=%d&mood=%d&craving=%d&note=benchmark", s.token, math.random(0, 10),
                         math.random(0, 10), math.random(0, 10))
  else
    body = string.format("csrf=%s&exercise=&minutes=%d&feeling=%d&note=benchmark", s.token, math.random(1, 60),
                         math.random(0, 10))
  end
  return wrk.format("POST", nil, { ["Cookie"] = "tend_session=" .. s.cookie,
                                   ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
function response(status)
  if status == 303 then acked = acked + 1 else bad = bad + 1 end
  if status >= 400 and status < 500 then s4xx = s4xx + 1 elseif status >= 500 then s5xx = s5xx + 1 end
end
function done()
  local a, b, c, d = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + (t:get("acked") or 0); b = b + (t:get("bad") or 0); c = c + (t:get("s4xx") or 0); d = d + (t:get("s5xx") or 0)
  end
  io.write(string.format("ACKED %d\nNOT303 %d\nSTATUS4XX %d\nSTATUS5XX %d\n", a, b, c, d))
end
LUA

# Runs wrk POSTing to one path; prints "req/s p50 p99 acked not303".
load() {
  local out
  out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$work/post.lua" "$base$1" -- "$work/sessions" "$2")
  echo "$out" >> "$work/wrk.log"
  echo "$out" | awk '/Socket errors|^STATUS/' | sed "s|^|  $1: |" >&2
  local rps p50 p99 acked bad
  rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
  p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
  p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
  acked=$(echo "$out" | awk '$1 == "ACKED" { print $2 }')
  bad=$(echo "$out" | awk '$1 == "NOT303" { print $2 }')
  echo "$rps $p50 $p99 $acked $bad"
}

# Prints one number from the database: $1 is the SQL.
count() {
  if [ "$db" = postgres ]; then
    psql "${TEND_DATABASE_URL%%\?*}" -qAtc "$1"
  else
    sqlite3 "$data/tend.sqlite" "$1"
  fi
}

echo "practice-writes benchmark: $n participants, wrk -t$threads -c$connections -d${duration}s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %-14s %10s %10s %10s %10s %10s %9s %s\n' database route "req/s" p50 p99 "303s" "rows" "not 303" durability
failed=0
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
  if [ "$db" = sqlite ]; then
    echo "sqlite: journal_mode=$(sqlite3 "$data/tend.sqlite" 'PRAGMA journal_mode'); synchronous=FULL is set by the server on every connection"
  else
    echo "postgres: fsync=$(psql "${TEND_DATABASE_URL%%\?*}" -qAtc 'SHOW fsync'), synchronous_commit=$(psql "${TEND_DATABASE_URL%%\?*}" -qAtc 'SHOW synchronous_commit')"
  fi
  : > "$work/sessions"
  for i in $(seq 1 32); do
    sign_in "$(printf 'p%05d@demo.tend.invalid' $(( (i * 311) % n + 1 )))" >> "$work/sessions" || true
  done
  [ "$(grep -c . "$work/sessions")" -eq 32 ] || { echo "could not sign in the benchmark participants"; cat "$work/server-$db.log"; exit 1; }
  practice_before=$(count "SELECT COUNT(*) FROM practice_entries")
  diary_before=$(count "SELECT COALESCE(SUM(saves), 0) FROM diary_entries")
  read -r p_rps p_p50 p_p99 p_acked p_bad < <(load /my/practice practice)
  read -r d_rps d_p50 d_p99 d_acked d_bad < <(load /my/diary diary)
  stop_server
  grep -E '"level":"(error|critical|warning)"' "$work/server-$db.log" | head -n 5 >&2 || true
  # Read back after the server has stopped: what was acknowledged must be there.
  p_rows=$(( $(count "SELECT COUNT(*) FROM practice_entries") - practice_before ))
  d_rows=$(( $(count "SELECT COALESCE(SUM(saves), 0) FROM diary_entries") - diary_before ))
  for row in "practice|$p_rps|$p_p50|$p_p99|$p_acked|$p_rows|$p_bad" "diary|$d_rps|$d_p50|$d_p99|$d_acked|$d_rows|$d_bad"; do
    IFS='|' read -r route rps p50 p99 acked rows bad <<< "$row"
    verdict=ok
    # A request still in flight when wrk stops may commit without its 303 being counted, so rows may
    # exceed 303s by at most the number of connections; fewer rows than 303s is a lost write.
    if [ "$rows" -lt "$acked" ]; then verdict="FAILED: lost $(( acked - rows ))"; failed=1
    elif [ "$rows" -gt $(( acked + connections )) ]; then verdict="FAILED: $(( rows - acked )) unacknowledged"; failed=1; fi
    printf '%-9s %-14s %10s %10s %10s %10s %10s %9s %s\n' "$db" "POST /my/$route" "$rps" "$p50" "$p99" "$acked" "$rows" "$bad" "$verdict"
  done
  [ "$db" = postgres ] && pg_down
done
echo "rows: new practice entries, and new diary saves (one row per participant and day, each save counted)"
exit $failed
