#!/usr/bin/env bash
# The study dashboard benchmark (not a test): a release build serving one study of N participants
# (default 10,000) with five timepoints x five questionnaires (N x 25 scores, plus N/10 drop-outs with
# baseline only and N/4 people screened out), seeded with bulk inserts (Benchmarks/seed_study.py), not
# through HTTP. The study is created through the pages as the demo
# service's researcher, then seeded; the dashboard is requested REQUESTS times (default 20) with curl,
# after one first request that runs the outcome analysis, and the median and 95th percentile of
# curl's time_total are printed. Every response must be 200 and contain the outcome report.
#
#   bash Benchmarks/study-dashboard.sh                 # 10,000 participants on SQLite
#   bash Benchmarks/study-dashboard.sh 2000            # a smaller study
#   TEND_BIN=.build-dash/release/tend REQUESTS=50 bash Benchmarks/study-dashboard.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
requests=${REQUESTS:-20}
bin=${TEND_BIN:-.build/release/tend}
password="benchmark-password-$$"
[ -n "${TEND_BIN:-}" ] || swift build -c release --static-swift-stdlib --product tend 2>&1 | tail -n 1

work=$(mktemp -d -t tend-dashboard-bench.XXXXXX)
server=""
stop_server() {
  if [ -n "$server" ]; then kill -INT "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; fi
}
# KEEP=1 keeps the data folder (its path is printed) for looking at the database afterwards.
trap 'stop_server; if [ -n "${KEEP:-}" ]; then echo "data kept in $work/data"; else rm -rf "$work"; fi' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
jar="$work/jar"
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }

start_server() {
  port=$(free_port)
  base="http://127.0.0.1:$port"
  TEND_DATA_DIR="$data" TEND_LOG_LEVEL=warning "$bin" serve --port "$port" >> "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && return 0; sleep 0.1; done
  echo "the server did not start"; cat "$work/server.log"; exit 1
}

# Signs in (retrying while the server's start-up sweeps over a freshly seeded database hold it busy).
sign_in() {
  local csrf status
  for _ in $(seq 30); do
    rm -f "$jar"
    csrf=$(curl -s -c "$jar" -b "$jar" "$base/login" | csrf_of)
    status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "email=$1" \
      --data-urlencode "password=$password" "$base/login")
    [ "$status" = 303 ] && return 0
    sleep 2
  done
  echo "could not sign in as $1"; tail -n 5 "$work/server.log"; exit 1
}

data="$work/data"
TEND_DATA_DIR="$data" "$bin" demo --participants 10 --password "$password" > "$work/demo.txt"
researcher=$(awk '$1 == "researcher" { print $2 }' "$work/demo.txt")
[ -n "$researcher" ] || { echo "no researcher in the demo service"; cat "$work/demo.txt"; exit 1; }

start_server
sign_in "$researcher"
csrf=$(curl -s -c "$jar" -b "$jar" "$base/studies/new" | csrf_of)
location=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" \
  --data-urlencode "template=compassionate-mind-painkillers-trial" --data-urlencode "title=Dashboard benchmark trial" \
  --data-urlencode "publicTitle=Online course for living with pain" "$base/studies")
study=${location##*/studies/}
[ -n "$study" ] || { echo "the study was not created"; exit 1; }
stop_server

"$bin" instruments list --fingerprints > "$work/fingerprints"
seeded=$(python3 Benchmarks/seed_study.py "$data/tend.sqlite" "$study" "$n" "$work/fingerprints")
echo "$seeded"

start_server
sign_in "$researcher"
url="$base/studies/$study/dashboard"
first=$(curl -s -o "$work/page.html" -w '%{http_code} %{time_total}' -b "$jar" "$url")
read -r code cold <<< "$first"
[ "$code" = 200 ] || { echo "dashboard answered $code"; head -c 2000 "$work/page.html"; tail -n 5 "$work/server.log"; exit 1; }
grep -q 'class="report"' "$work/page.html" || { echo "the dashboard has no outcome report"; exit 1; }
: > "$work/times"
for _ in $(seq "$requests"); do
  out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -b "$jar" "$url")
  read -r code t <<< "$out"
  [ "$code" = 200 ] || { echo "dashboard answered $code"; exit 1; }
  echo "$t" >> "$work/times"
done
timing=$(curl -s -D - -o /dev/null -b "$jar" "$url" | tr -d '\r' | sed -n 's/^[Ss]erver-[Tt]iming: //p')
person=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -b "$jar" "$base/studies/$study/participants/S-0005/outcomes")
# One questionnaire re-scored a minute later (as a corrected scoring rule or a new submission does): the
# next view reads that row, not the study's, and analyses again.
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE questionnaire_assignments SET updated_at = updated_at + 60 WHERE rowid = (SELECT max(rowid) FROM questionnaire_assignments WHERE submitted_at IS NOT NULL)"); c.commit()' "$data/tend.sqlite"
changed=$(curl -s -D "$work/changed-headers" -o /dev/null -w '%{http_code} %{time_total}' -b "$jar" "$url")
changed_timing=$(tr -d '\r' < "$work/changed-headers" | sed -n 's/^[Ss]erver-[Tt]iming: //p')
sort -n "$work/times" | awk -v n="$n" -v cold="$cold" -v bytes="$(wc -c < "$work/page.html")" -v person="$person" -v changed="$changed" '
  { t[NR] = $1 }
  END {
    median = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    p95 = t[int(0.95 * NR + 0.999)]
    printf "study dashboard, sqlite, %d complete participants: first view %.0f ms (analysis), then %d views: median %.0f ms, p95 %.0f ms, max %.0f ms; page %d bytes; one participant'"'"'s outcomes: %s\n",
      n, cold * 1000, NR, median * 1000, p95 * 1000, t[NR] * 1000, bytes, person
    split(changed, c, " ")
    printf "after one questionnaire changed: %s %.0f ms\n", c[1], c[2] * 1000
  }'
echo "phases of a repeat view (Server-Timing, ms): $timing"
echo "phases of the view after the change: $changed_timing"
