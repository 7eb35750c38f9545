#!/usr/bin/env bash
# The `tend analyse` benchmark: 1,000,000 participants × 2 timepoints × 5 measures, 3 arms (10 M rows),
# end to end (read the CSV, every analysis, JSON out) on a release build, against `wc -l` (one pass over
# the bytes) and the pandas + pingouin reference script on the same file. Not a test: it prints numbers.
# The binary is built as a release is shipped, with the Swift runtime linked in (--static-swift-stdlib),
# which starts in about 9 ms rather than 16.
#
#   bash Benchmarks/run.sh                 # full size
#   bash Benchmarks/run.sh 100000          # a smaller file
#   RUNS=5 bash Benchmarks/run.sh          # more repetitions (median reported)
# To compare two builds, alternate them: Benchmarks/alternate.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${RUNS:-3}
data=Benchmarks/data/scores-$n.csv
mkdir -p Benchmarks/data Benchmarks/out

swift build -c release --static-swift-stdlib --product tend 2>&1 | tail -n 1
[ -f "$data" ] || python3 Benchmarks/generate_scores.py --participants "$n" --out "$data"
rows=$(( $(wc -l < "$data") - 1 ))
echo "file: $data ($rows rows, $(du -m "$data" | cut -f1) MB), $(nproc) cores"

# median wall seconds and peak RSS (MB) of a command over $runs runs; sets ${key}_wall. Wall time is
# taken from the shell's microsecond clock around /usr/bin/time (which gives the peak RSS, but wall time
# only to the hundredth of a second, too coarse for `wc -l`).
measure() {
  local key=$1 label=$2; shift 2
  local walls=() rss=()
  for _ in $(seq "$runs"); do
    local start=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o /tmp/tend-bench-time "$@" >/dev/null
    local end=$EPOCHREALTIME
    walls+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", e - s }')")
    rss+=("$(cat /tmp/tend-bench-time)")
  done
  local mw mr
  mw=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  mr=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)
  printf '%-34s median %7.3f s   peak RSS %6d MB   (runs: %s)\n' "$label" "$mw" "$((mr / 1024))" "${walls[*]}"
  printf -v "${key}_wall" '%s' "$mw"
}

# The same analyses on both sides.
source Benchmarks/analyse-options.sh

measure wc "wc -l" wc -l "$data"
measure tend "tend analyse (json)" .build/release/tend analyse "$data" "${opts[@]}" --format json --out Benchmarks/out/tend.json
if [ -z "${SKIP_PANDAS:-}" ]; then
  runs_saved=$runs; runs=1
  measure pandas "pandas+pingouin reference" python3 crosscheck/analyse_reference.py "$data" "${opts[@]}" --out Benchmarks/out/reference.json
  runs=$runs_saved
  awk -v t="$tend_wall" -v p="$pandas_wall" -v w="$wc_wall" 'BEGIN { if (w > 0) printf "tend / wc -l = %.1f×   ", t / w; printf "pandas+pingouin / tend = %.1f×\n", p / t }'
else
  awk -v t="$tend_wall" -v w="$wc_wall" 'BEGIN { if (w > 0) printf "tend / wc -l = %.1f×\n", t / w }'
fi
