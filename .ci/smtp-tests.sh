#!/usr/bin/env bash
# The SMTP client against a real SMTP server: installs aiosmtpd into the python used here, starts it on a
# free loopback port with a handler that writes each message to a folder, runs the SMTPLiveTests suite
# with TEND_TEST_SMTP_PORT set, checks what arrived (count, subjects, bodies, headers), stops the server.
# Usage: bash .ci/smtp-tests.sh [extra swift test arguments, e.g. --scratch-path .build-x]
set -uo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
"$python" -c "import aiosmtpd" 2>/dev/null || "$python" -m pip install -q --disable-pip-version-check "aiosmtpd==1.4.6" || { echo "could not install aiosmtpd"; exit 1; }

folder=$(mktemp -d -t tend-smtp.XXXXXX)
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PYTHONPATH=.ci "$python" -m aiosmtpd -n -l "127.0.0.1:$port" -c smtp_sink.FolderHandler "$folder/mail" > "$folder/server.log" 2>&1 &
server=$!
stop() { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$folder"; }
trap stop EXIT
for _ in $(seq 50); do
  "$python" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$port)))" && break
  sleep 0.2
done
echo "aiosmtpd pid=$server port=$port"

TEND_TEST_SMTP_PORT=$port swift test "$@" --filter SMTPLiveTests 2>&1 | tee "$folder/test.log" | grep -E "SMTP against|Test run|error|failed" | tail -n 20
grep -qE "Test run with [0-9]+ tests? (in [0-9]+ suites? )?passed" "$folder/test.log" || { cat "$folder/server.log"; echo "SMTP tests failed"; exit 1; }
"$python" .ci/smtp_check.py "$folder/mail" || { echo "the messages that arrived are not the ones sent"; exit 1; }
