"""Regenerate the reference JSON files.

Usage: python3 crosscheck/generate.py OUTDIR [name ...]
With no names, every file is generated.
"""

from __future__ import annotations

import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

GENERATORS = [
    "distributions", "alpha", "mixed_anova", "ttest", "contingency", "shapiro", "levene",
    "kruskal", "proportion", "effectsize", "rci", "kappa",
]


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    outdir = argv[1]
    names = argv[2:] or GENERATORS
    os.makedirs(outdir, exist_ok=True)
    for name in names:
        if name not in GENERATORS:
            print(f"unknown generator {name}", file=sys.stderr)
            return 2
        module = importlib.import_module(f"gen_{name}")
        module.main(outdir)
        print(f"wrote {outdir}/{name}.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
