#!/usr/bin/env bash
# The outbox benchmark: a release `tend worker` delivers N queued e-mails (default 100,000) from a fresh
# SQLite database to a loopback SMTP sink, until the queue is empty. Reports messages per second and checks
# that the sink received exactly N distinct Message-IDs and that every row is marked sent. Not a test.
#
#   bash Benchmarks/outbox.sh                      # 100,000 messages
#   bash Benchmarks/outbox.sh 20000                # fewer
#   SCRATCH=.build-x BATCH=500 CONNECTIONS=2 bash Benchmarks/outbox.sh
#   SKIP_BUILD=1 bash Benchmarks/outbox.sh           # use the release binary already built
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
scratch=${SCRATCH:-.build}
batch=${BATCH:-500}
connections=${CONNECTIONS:-1}
work=Benchmarks/data/outbox
rm -rf "$work" && mkdir -p "$work"

[ -n "${SKIP_BUILD:-}" ] || swift build -c release --static-swift-stdlib --product tend --scratch-path "$scratch" 2>&1 | grep -vE "unhandled|CMakeLists" | tail -n 1
tend="$scratch/release/tend"
export TEND_DATA_DIR="$work/data" TEND_LOG_LEVEL=warning
unset TEND_DATABASE_URL
"$tend" migrate >/dev/null
python3 Benchmarks/outbox_enqueue.py "$work/data/tend.sqlite" "$n"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 Benchmarks/smtp_sink.py --port "$port" --out "$work/sink.json" &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$port)))" && break
  sleep 0.1
done

echo "delivering $n messages: batch $batch, $connections SMTP connection(s), $(nproc) cores"
start=$(date +%s.%N)
TEND_SMTP_HOST=127.0.0.1 TEND_SMTP_PORT=$port TEND_SMTP_FROM=reminders@tend.example.org \
  TEND_OUTBOX_BATCH=$batch TEND_SMTP_CONNECTIONS=$connections \
  /usr/bin/time -f "peak RSS %M KB, CPU %P" "$tend" worker --until-empty
end=$(date +%s.%N)
kill -TERM "$sink"; wait "$sink" || true
trap - EXIT

sent=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT COUNT(*) FROM outbox_items WHERE status='sent'\").fetchone()[0])" "$work/data/tend.sqlite")
python3 - "$work/sink.json" "$n" "$sent" "$start" "$end" <<'PY'
import json, sys
sink = json.load(open(sys.argv[1]))
n, sent, start, end = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
wall = end - start
print("sink: %(messages)d messages, %(distinct_message_ids)d distinct Message-IDs, %(connections)d connections" % sink)
print("database: %d of %d rows marked sent" % (sent, n))
print("wall time %.2f s (process start, migrations check and shutdown included): %.0f messages/s" % (wall, n / wall))
ok = sink["messages"] == n and sink["distinct_message_ids"] == n and sent == n
print("CHECK", "PASSED" if ok else "FAILED")
sys.exit(0 if ok else 1)
PY
