#!/usr/bin/env bash
# The study export benchmark (not a test): a release `tend serve` on SQLite with one study of N
# participants (default 10,000) x 5 timepoints x 5 questionnaires, all submitted (bulk SQL, see
# study_export_seed.py). Each export on /studies/:s/exports is downloaded with curl as the study's
# researcher; the script reports its seconds, size, rows and the server's memory: resident size before,
# the highest resident size sampled every 20 ms during the download, and the process's peak (VmHWM) after.
#
#   bash Benchmarks/study-export.sh                 # 10,000 participants
#   bash Benchmarks/study-export.sh 2000            # a smaller study
#   SCRATCH=.build-x SKIP_BUILD=1 bash Benchmarks/study-export.sh
#   TEND_BIN=.build-x/debug/tend bash Benchmarks/study-export.sh 1000   # any binary, no build
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
scratch=${SCRATCH:-.build}
password="benchmark-password-$$"
[ -n "${SKIP_BUILD:-}${TEND_BIN:-}" ] || swift build -c release --static-swift-stdlib --product tend --scratch-path "$scratch" 2>&1 | grep -vE "unhandled|CMakeLists" | tail -n 1
tend="${TEND_BIN:-$scratch/release/tend}"
work=$(mktemp -d -t tend-export-bench.XXXXXX)
server=""
stop_server() {
  if [ -n "$server" ]; then kill -INT "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; fi
}
trap 'stop_server; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
unset TEND_DATABASE_URL
export TEND_DATA_DIR="$work/data" TEND_LOG_LEVEL=warning
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
jar="$work/jar"

start_server() {
  "$tend" serve --port "$port" > "$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 200); do curl -sf "$base/healthz" >/dev/null && return; sleep 0.1; done
  echo "the server did not start"; cat "$work/server.log"; exit 1
}
csrf_of() { curl -s -c "$jar" -b "$jar" "$base$1" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
sign_in() {
  rm -f "$jar"
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$(csrf_of /login)" \
    --data-urlencode "email=admin@demo.tend.invalid" --data-urlencode "password=$password" "$base/login"
}

"$tend" demo --participants 1 --password "$password" > "$work/demo.txt"
start_server
sign_in; [ -n "${DEBUG:-}" ] && { cat "$jar"; curl -s -o /dev/null -w "%{http_code} %{redirect_url}\n" -b "$jar" "$base/studies"; }
location=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" --data-urlencode "csrf=$(csrf_of /studies/new)" \
  --data-urlencode "template=compassionate-mind-painkillers-trial" --data-urlencode "title=Export benchmark" \
  --data-urlencode "publicTitle=Export benchmark" "$base/studies")
study=${location##*/}
[ -n "$study" ] || { echo "the study was not created"; exit 1; }
stop_server
python3 Benchmarks/study_export_seed.py "$work/data/tend.sqlite" "$study" "$n"
# Score every seeded questionnaire with the real scorer (and record its fingerprint), as submission does.
for instrument in phq9 gad7 ldq pseq peg3; do "$tend" instruments rescore "$instrument" > /dev/null; done
start_server
sign_in; [ -n "${DEBUG:-}" ] && { cat "$jar"; curl -s -o /dev/null -w "%{http_code} %{redirect_url}\n" -b "$jar" "$base/studies"; }

rss() { awk -v k="$1:" '$1 == k { print int($2 / 1024) }' "/proc/$server/status"; }
echo "study export benchmark: $n participants x 5 timepoints x 5 questionnaires, SQLite, $(nproc) cores"
printf '%-36s %9s %10s %9s %11s %13s %10s\n' export seconds MB rows "RSS before" "RSS max during" "VmHWM after"
for file in scores-long.csv scores-wide.csv scores-wide.sps redcap-dictionary.csv questionnaire-responses.fhir.json \
            analysis-report.html; do
  before=$(rss VmRSS)
  ( peak=0; while kill -0 "$server" 2>/dev/null; do r=$(rss VmRSS); [ "$r" -gt "$peak" ] && { peak=$r; echo "$peak" > "$work/peak"; }; sleep 0.02; done ) &
  sampler=$!
  echo "$before" > "$work/peak"
  out=$(curl -s -o "$work/out" -b "$jar" -w '%{http_code} %{time_total} %{size_download}' "$base/studies/$study/exports/$file")
  kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true
  read -r code seconds bytes <<< "$out"
  [ "$code" = 200 ] || { echo "$file: HTTP $code"; head -c 2000 "$work/out"; tail -5 "$work/server.log"; exit 1; }
  rows=$(python3 - "$work/data/tend.sqlite" <<'PY'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT row_count FROM audit_events WHERE row_count IS NOT NULL ORDER BY rowid DESC LIMIT 1").fetchone()[0])
PY
)
  printf '%-36s %9.2f %10.1f %9s %8s MB %10s MB %7s MB\n' "$file" "$seconds" "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')" \
    "$rows" "$before" "$(cat "$work/peak")" "$(rss VmHWM)"
done

# The wide file and its SPSS syntax, opened together in GNU PSPP when it is installed.
if command -v pspp >/dev/null; then
  mkdir -p "$work/spss"
  disposition() { curl -s -D - -o /dev/null -b "$jar" "$base/studies/$study/exports/$1" | sed -n 's/.*filename="\([^"]*\)".*/\1/p' | tr -d '\r'; }
  wide=$(disposition scores-wide.csv)
  curl -s -b "$jar" -o "$work/spss/$wide" "$base/studies/$study/exports/scores-wide.csv"
  curl -s -b "$jar" -o "$work/spss/wide.sps" "$base/studies/$study/exports/scores-wide.sps"
  printf 'DISPLAY DICTIONARY.\nDESCRIPTIVES ALL.\n' >> "$work/spss/wide.sps"
  if (cd "$work/spss" && pspp -O format=csv -o out.csv wide.sps > pspp.log 2>&1) && ! grep -qi "error" "$work/spss/out.csv"; then
    echo "PSPP read the wide file with its syntax: $(grep -c '^Valid N\|^"Valid N' "$work/spss/out.csv" >/dev/null; sed -n 's/^Valid N (listwise),\([0-9]*\).*/\1/p' "$work/spss/out.csv" | head -1) complete cases"
  else
    echo "PSPP could not read the wide file:"; cat "$work/spss/pspp.log" "$work/spss/out.csv" | head -20; exit 1
  fi
fi
