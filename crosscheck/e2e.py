#!/usr/bin/env python3
"""End-to-end checks of the `tend` command line against the examples and an independent pandas +
pingouin + scipy computation.

    python3 crosscheck/e2e.py --tend .build/debug/tend

Prints one line per check and a closing "N passed, M failed" line; exits 1 when any check fails.
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EX = os.path.join(ROOT, "examples")
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("ok   " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + detail))


def close(a, b, rel=1e-9, abs_=1e-12):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_)


def run(tend, *args, expect_ok=True):
    p = subprocess.run([tend, *args], capture_output=True, text=True, cwd=ROOT)
    if expect_ok and p.returncode != 0:
        raise SystemExit(f"tend {' '.join(args)} failed ({p.returncode}):\n{p.stderr}")
    return p


def seed001(tend, tmp):
    # Scoring the fabricated item files reproduces the committed scores file.
    expected = {}
    with open(os.path.join(EX, "fabricated-seed001-scores.csv")) as f:
        for r in csv.DictReader(f):
            expected[(r["participant"], r["timepoint"], r["measure"])] = float(r["score"])
    got = {}
    for inst in ["scs-sf", "pseq", "fscrs"]:
        out = os.path.join(tmp, f"{inst}.csv")
        run(tend, "score", os.path.join(EX, f"fabricated-seed001-items-{inst}.csv"), "--instrument", inst, "--out", out)
        with open(out) as f:
            for r in csv.DictReader(f):
                got[(r["participant"], r["timepoint"], r["measure"])] = float(r["score"])
    missing = [k for k in expected if k not in got]
    wrong = [k for k in expected if k in got and not close(got[k], expected[k], 1e-15, 0)]
    check("seed 001: tend score reproduces every example score", not missing and not wrong,
          f"missing {missing[:3]}, wrong {wrong[:3]}")

    p = run(tend, "analyse", os.path.join(EX, "fabricated-seed001-scores.csv"), "--pre", "pre", "--post", "post",
            "--reliability", "scs-sf.total=0.83", "--reliability", "pseq.total=0.88",
            "--reliability", "fscrs.hated-self=0.87", "--reliability", "fscrs.reassured-self=0.86",
            "--reliability", "fscrs.inadequate-self=0.89",
            "--norms", "scs-sf.total=,,3.3,0.7", "--norms", "fscrs.hated-self=,,4,3.5",
            "--norms", "fscrs.reassured-self=,,20,6", "--norms", "fscrs.inadequate-self=,,14,7",
            "--format", "json")
    r = json.loads(p.stdout)
    table2 = {
        "scs-sf.total": [[0, 1, 2], [0, 0, 4], [0, 6, 0]],
        "pseq.total": [[0, 2, 7], [0, 0, 0], [0, 2, 2]],
        "fscrs.hated-self": [[0, 0, 5], [0, 0, 6], [0, 1, 1]],
        "fscrs.reassured-self": [[0, 2, 2], [0, 1, 4], [0, 3, 1]],
        "fscrs.inadequate-self": [[0, 2, 2], [0, 1, 2], [0, 4, 2]],
    }
    for m in r["measures"]:
        cs = m.get("clinicalSignificance")
        if cs is None:
            check(f"seed 001 Table 2, {m['measure']}", False, str(m["skipped"]))
            continue
        t = cs["table"]
        cells = [[t[row]["deterioration"], t[row]["improvement"], t[row]["noChange"]]
                 for row in ("notSignificant", "okayAtBaseline", "significantChange")]
        check(f"seed 001 Table 2, {m['measure']} (criterion {cs['criterion']})", cells == table2[m["measure"]], str(cells))
    pseq = next(m for m in r["measures"] if m["measure"] == "pseq.total")
    check("seed 001: PSEQ uses criterion a from its definition", pseq["clinicalSignificance"]["criterion"] == "a")


def seed000(tend):
    p = run(tend, "analyse", os.path.join(EX, "fabricated-seed000-scores.csv"), "--pre", "baseline", "--post", "follow-up",
            "--ci", "0.80", "--funnel", "approached=103,agreed=69",
            "--criteria", "agreed/approached=0.60,baseline/agreed=0.70,completed/baseline=0.50")
    text = p.stdout
    for pct in ["66.99%", "45.63%", "68.12%", "80.85%", "21.05%"]:
        check(f"seed 000: the report prints {pct}", pct in text)
    check("seed 000: drop-out χ² from the counts as given", "Pearson χ²(2, N = 47) = 1.694, p = .429" in text)
    r = json.loads(run(tend, "analyse", os.path.join(EX, "fabricated-seed000-scores.csv"), "--pre", "baseline",
                       "--post", "follow-up", "--format", "json").stdout)
    ns = {m["measure"]: m["anova"]["result"]["n"] for m in r["measures"] if m.get("anova")}
    check("seed 000: ANOVA N per measure (37 thoughts, 36 anxiety, 38 stress)",
          ns.get("ocdus.thoughts-interference") == 37 and ns.get("dass21.anxiety") == 36 and ns.get("dass21.stress") == 38, str(ns))


def bad_input(tend, tmp):
    p = run(tend, "analyse", os.path.join(EX, "fabricated-seed000-scores.csv"), "--pre", "week9", expect_ok=False)
    check("an unknown --pre label exits non-zero and names the labels",
          p.returncode != 0 and "week9" in p.stderr and "baseline" in p.stderr, p.stderr.strip())
    path = os.path.join(tmp, "bad.csv")
    with open(path, "w") as f:
        f.write("participant,timepoint,measure,score\nP1,pre,m,abc\nP1,post,m,\n")
    p = run(tend, "analyse", path, expect_ok=False)
    check("a file with no valid score exits non-zero", p.returncode != 0, p.stderr.strip())
    with open(path, "w") as f:
        f.write("participant,timepoint,measure,score\nP1,pre,m,12\nP1,post,m,abc\nP2,pre,m,10\nP2,post,m,9\nP3,pre,m,7\nP3,post,m,8\n")
    p = run(tend, "analyse", path, expect_ok=False)
    check("a bad row is named and the rest analysed (exit 0)",
          p.returncode == 0 and 'row 3, column score: "abc"' in p.stdout, p.stdout[:300] + p.stderr)
    p = run(tend, "analyse", path, "--reliability", "m=1.5", expect_ok=False)
    check("a bad option value exits non-zero with a specific message",
          p.returncode != 0 and "between 0 and 1" in p.stderr, p.stderr.strip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tend", required=True)
    args = ap.parse_args()
    tend = os.path.abspath(args.tend)
    with tempfile.TemporaryDirectory() as tmp:
        seed001(tend, tmp)
        seed000(tend)
        bad_input(tend, tmp)
        sys.path.insert(0, os.path.join(ROOT, "crosscheck"))
        import e2e_agreement
        e2e_agreement.run_checks(tend, tmp, check)
        e2e_agreement.run_large_checks(tend, tmp, check)
    print(f"e2e: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
