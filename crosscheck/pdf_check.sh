#!/usr/bin/env bash
# Independent check of the PDF writer: exports every built-in handout with `tend handouts export`, then
# checks each file with qpdf (structure, xref) and poppler (pdfinfo, pdftotext): the file is valid, the
# title is in the document information, the handout's title, its first sentence and every word of its
# Markdown are in the extracted text, the footer counts pages correctly, and the page count suits the length of the text.
#
# Needs the Debian packages qpdf and poppler-utils, and python3.
# Usage: crosscheck/pdf_check.sh [TEND_BINARY]   (default: $TEND_BIN or .build/debug/tend)
set -euo pipefail
cd "$(dirname "$0")/.."
tend=${1:-${TEND_BIN:-.build/debug/tend}}
for tool in qpdf pdftotext pdfinfo python3; do
  command -v "$tool" >/dev/null || { echo "pdf_check: $tool is not installed (apt-get install qpdf poppler-utils)"; exit 1; }
done
[ -x "$tend" ] || { echo "pdf_check: $tend is not an executable; build first (swift build)"; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$tend" handouts export --out "$out"

python3 - "$out" Sources/TendResources/Programmes <<'PY'
import glob, math, os, re, subprocess, sys

out, root = sys.argv[1], sys.argv[2]
failures = []

def run(*args):
    return subprocess.run(args, capture_output=True, text=True)

def plain(markdown):
    """Markdown inline text without markers, as it should read in the PDF."""
    text = re.sub(r"`([^`]*)`", r"\1", markdown)
    text = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1 (\2)", text)
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*]+)(?<!\s)\*", r"\1", text)
    text = text.replace("&nbsp;", " ").replace("&amp;", "&")
    return " ".join(text.split())

def squash(text):
    return " ".join(text.split())

sources = sorted(glob.glob(os.path.join(root, "*", "handouts", "*.md")))
if not sources:
    sys.exit("pdf_check: no handouts found under " + root)
for path in sources:
    programme = path.split(os.sep)[-3]
    raw = open(path, encoding="utf-8").read()
    front, body = raw.split("---\n", 2)[1:3]
    meta = dict(line.split(":", 1) for line in front.splitlines() if ":" in line)
    hid = meta["id"].strip()
    title = meta["title"].strip().strip('"').strip("'")
    pdf = os.path.join(out, f"{programme}-{hid}.pdf")
    name = f"{programme}-{hid}.pdf"
    if not os.path.exists(pdf):
        failures.append(f"{name}: not written"); continue

    check = run("qpdf", "--check", pdf)
    if check.returncode != 0 or "WARNING" in check.stdout + check.stderr or "No syntax or stream encoding errors" not in check.stdout:
        failures.append(f"{name}: qpdf --check failed:\n{check.stdout}{check.stderr}")

    info = run("pdfinfo", pdf).stdout
    fields = dict((k.strip(), v.strip()) for k, v in (l.split(":", 1) for l in info.splitlines() if ":" in l))
    pages = int(fields.get("Pages", "0"))
    if fields.get("Title") != title:
        failures.append(f"{name}: pdfinfo Title is {fields.get('Title')!r}, expected {title!r}")
    if fields.get("Producer") != "Tend":
        failures.append(f"{name}: Producer is {fields.get('Producer')!r}")
    if not fields.get("Page size", "").startswith("595.28 x 841.89"):
        failures.append(f"{name}: page size {fields.get('Page size')!r} is not A4")
    if fields.get("PDF version") != "1.7":
        failures.append(f"{name}: PDF version {fields.get('PDF version')!r}")

    text = squash(run("pdftotext", "-enc", "UTF-8", pdf, "-").stdout)
    heading = next((l[2:].strip() for l in body.splitlines() if l.startswith("# ")), title)
    for wanted in {title, plain(heading)}:
        if wanted not in text:
            failures.append(f"{name}: title {wanted!r} not in the extracted text")
    # The first sentence of the first plain paragraph.
    paragraph = []
    for line in body.splitlines():
        s = line.strip()
        if not s:
            if paragraph: break
            continue
        if re.match(r"(#|[-*+] |\d+[.)] |>|\||&nbsp;|---)", s):
            if paragraph: break
            continue
        paragraph.append(s)
    sentence = re.split(r"(?<=[.!?])\s", plain(" ".join(paragraph)))[0] if paragraph else ""
    if sentence and sentence not in text:
        failures.append(f"{name}: sentence {sentence!r} not in the extracted text")
    # Nothing dropped: every word of the Markdown is in the extracted text.
    found = set(re.findall(r"[^\W\d_]+", text))
    missing = sorted(set(re.findall(r"[^\W\d_]+", plain(body))) - found)
    if missing:
        failures.append(f"{name}: words missing from the PDF text: {missing[:10]}")
    words = len(plain(body).split())
    most = math.ceil(words / 120) + 2
    if not 1 <= pages <= most:
        failures.append(f"{name}: {pages} pages for {words} words (expected 1 to {most})")
    footers = re.findall(r"Page (\d+) of (\d+)", text)
    if footers != [(str(i), str(pages)) for i in range(1, pages + 1)]:
        failures.append(f"{name}: footers {footers} do not count 1..{pages} of {pages}")
    print(f"ok {name}: {pages} page{'s' if pages != 1 else ''}, {words} words, title and first sentence found" if not any(f.startswith(name) for f in failures) else f"FAIL {name}")

if failures:
    print("\n".join(failures))
    sys.exit(f"pdf_check: {len(failures)} problem(s) in {len(sources)} handouts")
print(f"pdf_check: all {len(sources)} handout PDFs pass qpdf --check and match their Markdown")
PY
