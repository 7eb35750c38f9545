#!/usr/bin/env bash
# Regenerate every reference JSON into a temporary directory and compare it with the committed
# files: fails (exit 1, with a summary of the differing values) if any number differs by more
# than 1e-12 relative, or if any string, structure or library version differs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
committed="$here/../Tests/TendCoreTests/Resources/reference"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bash "$here/run.sh" "$tmp"
python3 "$here/compare.py" "$committed" "$tmp" --rel 1e-12
