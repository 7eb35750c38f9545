"""Compare two directories of reference JSON files value by value.

Usage: python3 crosscheck/compare.py COMMITTED_DIR FRESH_DIR [--rel 1e-12]
Numbers must agree to the relative tolerance (|a - b| <= rel * max(|a|, |b|); zeros must be exact);
strings, booleans, nulls and structure must be identical. A difference in the "libraries" block (the
versions that produced the values) is printed as a warning only: it fails the check only if it changes
a value. Exits 1 with a summary when anything differs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def walk(a, b, path, rel, diffs):
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None or isinstance(a, str) or isinstance(b, str):
        if a != b or type(a) is not type(b):
            diffs.append((path, a, b))
        return
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        fa, fb = float(a), float(b)
        if abs(fa - fb) > rel * max(abs(fa), abs(fb)):
            diffs.append((path, a, b))
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                diffs.append((f"{path}.{k}", a.get(k, "<missing>"), b.get(k, "<missing>")))
            else:
                walk(a[k], b[k], f"{path}.{k}", rel, diffs)
        return
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            diffs.append((f"{path}[len]", len(a), len(b)))
            return
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]", rel, diffs)
        return
    diffs.append((path, a, b))


def label_path(path, doc):
    """Replace '.cases[i]' with the case name, for readable messages."""
    prefix = ".cases["
    k = path.find(prefix)
    if k < 0:
        return path
    end = path.find("]", k)
    try:
        idx = int(path[k + len(prefix):end])
        return f"{path[:k]}.cases[{doc['cases'][idx]['name']!r}]{path[end + 1:]}"
    except (ValueError, IndexError, KeyError, TypeError):
        return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("committed")
    ap.add_argument("fresh")
    ap.add_argument("--rel", type=float, default=1e-12)
    args = ap.parse_args()
    committed = sorted(f for f in os.listdir(args.committed) if f.endswith(".json"))
    fresh = sorted(f for f in os.listdir(args.fresh) if f.endswith(".json"))
    failed = False
    if committed != fresh:
        print(f"file sets differ: committed {committed} vs regenerated {fresh}")
        failed = True
    for name in sorted(set(committed) & set(fresh)):
        with open(os.path.join(args.committed, name)) as fh:
            a = json.load(fh)
        with open(os.path.join(args.fresh, name)) as fh:
            b = json.load(fh)
        if a.get("libraries") != b.get("libraries"):
            print(f"{name}: warning: library versions differ: committed {a.get('libraries')} "
                  f"regenerated {b.get('libraries')}")
        a = {k: v for k, v in a.items() if k != "libraries"}
        b = {k: v for k, v in b.items() if k != "libraries"}
        diffs = []
        walk(a, b, name, args.rel, diffs)
        if diffs:
            failed = True
            print(f"{name}: {len(diffs)} value(s) differ (rel tol {args.rel:g})")
            for path, x, y in diffs[:20]:
                path = label_path(path, a)
                xs = json.dumps(x)[:120]
                ys = json.dumps(y)[:120]
                print(f"  {path}: committed {xs} regenerated {ys}")
            if len(diffs) > 20:
                print(f"  ... {len(diffs) - 20} more")
        else:
            print(f"{name}: ok")
    checked = len(set(committed) & set(fresh))
    if failed:
        print(f"crosscheck: reference files differ from a fresh regeneration ({checked} compared)")
    else:
        print(f"crosscheck: all {checked} reference files match a fresh regeneration")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
