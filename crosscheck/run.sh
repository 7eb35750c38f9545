#!/usr/bin/env bash
# Regenerate every reference JSON into Tests/TendCoreTests/Resources/reference (or into $1).
# Assumes the Python packages of requirements.txt and R with afex, car and psych are installed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../Tests/TendCoreTests/Resources/reference}"
export PYTHONHASHSEED=0 LC_ALL=C LANG=C
python3 "$here/generate.py" "$out"
