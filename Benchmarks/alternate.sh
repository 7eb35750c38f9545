#!/usr/bin/env bash
# Builds against each other: runs `wc -l` and each given `tend` binary in turn, N rounds, on the benchmark
# file with run.sh's options, and prints each one's median wall time and its ratio to `wc -l`'s median.
# Taking turns spreads the VM's quick and slow spells over every binary alike, which one binary's runs
# after another's do not. Not a test: it prints numbers.
#
#   cp .build/release/tend /tmp/tend-before    # … change, rebuild …
#   bash Benchmarks/alternate.sh 15 /tmp/tend-before .build/release/tend
#   N=1000000 bash Benchmarks/alternate.sh 11 .build/release/tend   # the file of run.sh's first argument
#   SHOW_RUNS=1 bash Benchmarks/alternate.sh 11 A B                  # every run too, not only the medians
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:?usage: alternate.sh ROUNDS BINARY...}
shift
[ $# -gt 0 ] || { echo "usage: alternate.sh ROUNDS BINARY..." >&2; exit 2; }
data=Benchmarks/data/scores-${N:-1000000}.csv
[ -f "$data" ] || { echo "$data: not found; Benchmarks/run.sh generates it" >&2; exit 2; }
source Benchmarks/analyse-options.sh
out=$(mktemp)
trap 'rm -f "$out"' EXIT

declare -A walls
for _ in $(seq "$rounds"); do
  for b in wc "$@"; do
    start=$EPOCHREALTIME
    if [ "$b" = wc ]; then
      wc -l "$data" >/dev/null
    else
      "$b" analyse "$data" "${opts[@]}" --format json --out "$out"
    fi
    end=$EPOCHREALTIME
    walls[$b]+="$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", (e - s) * 1000 }') "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
w=$(echo "${walls[wc]}" | median)
printf '%-40s median %8.1f ms\n' "wc -l" "$w"
for b in "$@"; do
  m=$(echo "${walls[$b]}" | median)
  printf '%-40s median %8.1f ms   %.2f× wc -l\n' "$b" "$m" "$(awk -v a="$m" -v b="$w" 'BEGIN { print a / b }')"
  [ -z "${SHOW_RUNS:-}" ] || echo "    runs: ${walls[$b]}"
done
