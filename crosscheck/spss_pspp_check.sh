#!/usr/bin/env bash
# Runs Tend's SPSS syntax for the wide export in GNU PSPP and checks that PSPP reads every cell of the wide
# CSV exactly (numbers to the last bit, empty cells as missing) and keeps the variable and arm labels.
# Usage: spss_pspp_check.sh [PACKAGE_DIR]   (a built package with TendCoreTests; default: the repository)
# Needs the Debian package `pspp` (apt-get install -y pspp). Tend's own output is the input here; the
# check is that an independent reader (PSPP) and Python's csv module agree on it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pkg="${1:-$here/..}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$pkg" && TEND_PSPP_DIR="$tmp" swift test --skip-build --filter StudyReportsPSPPFilesTests >"$tmp/test.log" 2>&1) || { cat "$tmp/test.log" >&2; exit 1; }
test -s "$tmp/wide.sps" || { echo "the test did not write $tmp/wide.sps" >&2; exit 1; }
cat >> "$tmp/wide.sps" <<SPS
SAVE TRANSLATE /OUTFILE='$tmp/read.csv' /TYPE=CSV /FIELDNAMES /REPLACE.
DISPLAY DICTIONARY.
SPS
pspp -O format=csv -o "$tmp/dictionary.csv" "$tmp/wide.sps" >/dev/null
python3 - "$tmp" <<'PY'
import csv, sys
tmp = sys.argv[1]
with open(f"{tmp}/wide.csv", newline="", encoding="utf-8") as f:
    written = list(csv.reader(f))
with open(f"{tmp}/read.csv", newline="", encoding="utf-8") as f:
    read = list(csv.reader(f))
problems = []
if written[0] != read[0]:
    problems.append(f"header: wrote {written[0]}, PSPP has {read[0]}")
if len(written) != len(read):
    problems.append(f"rows: wrote {len(written) - 1}, PSPP has {len(read) - 1}")
for r, (w, p) in enumerate(zip(written[1:], read[1:]), start=2):
    for name, a, b in zip(written[0], w, p):
        if name == "study_code":
            ok = a == b.rstrip()
        elif a == "":
            ok = b.strip() == ""
        else:
            ok = b.strip() != "" and float(a) == float(b)
        if not ok:
            problems.append(f"row {r} {name}: wrote {a!r}, PSPP read {b!r}")
dictionary = open(f"{tmp}/dictionary.csv", encoding="utf-8").read()
for text in ["SCS-SF total (item mean), follow-up", "Pseudonymous study code", "Kim's group", "relaxation"]:
    if text not in dictionary:
        problems.append(f"label missing from PSPP's dictionary: {text}")
if problems:
    print("\n".join(problems)); sys.exit(1)
print(f"PSPP read all {len(written) - 1} rows x {len(written[0])} columns exactly; labels present")
PY
