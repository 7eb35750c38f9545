#!/usr/bin/env bash
# Runs the S3 media store tests against a local S3-compatible server (moto), started on a free port on
# 127.0.0.1 only and stopped however the tests end. Exits with the tests' status.
# Needs `pip install 'moto[server]'` (the script installs it into .venv-ci if moto_server is missing).
# Usage: bash .ci/s3-tests.sh [extra swift test arguments, e.g. --scratch-path .build-x]
set -uo pipefail
cd "$(dirname "$0")/.."

MOTO=$(command -v moto_server || true)
if [ -z "$MOTO" ]; then
  [ -x .venv-ci/bin/python ] || python3 -m venv .venv-ci || exit 1
  .venv-ci/bin/pip install --quiet 'moto[server]' || { echo "could not install moto"; exit 1; }
  MOTO=.venv-ci/bin/moto_server
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LOG=$(mktemp -t moto.XXXXXX)
"$MOTO" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 &
MOTO_PID=$!
stop_moto() { kill "$MOTO_PID" 2>/dev/null; wait "$MOTO_PID" 2>/dev/null; rm -f "$LOG"; }
trap stop_moto EXIT

for _ in $(seq 1 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 0.2)" 2>/dev/null && break
  kill -0 "$MOTO_PID" 2>/dev/null || { echo "moto_server exited:"; cat "$LOG"; exit 1; }
  sleep 0.2
done
echo "moto pid=$MOTO_PID port=$PORT"

TEND_TEST_S3_ENDPOINT="http://127.0.0.1:$PORT" TEND_TEST_S3_BUCKET=tend-media-test \
TEND_TEST_S3_ACCESS_KEY_ID=testing TEND_TEST_S3_SECRET_ACCESS_KEY=testing TEND_TEST_S3_REGION=us-east-1 \
  swift test "$@" --filter S3MediaStoreTests
status=$?
stop_moto
trap - EXIT
exit $status
