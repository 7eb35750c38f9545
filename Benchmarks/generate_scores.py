#!/usr/bin/env python3
"""Writes a large fabricated tidy scores file for the `tend analyse` benchmark.

participants x 2 timepoints x 5 measures, 3 arms, fixed seed; about 8 % of participants have blank
post scores (drop-out) so every analysis has missing data to handle.

    python3 Benchmarks/generate_scores.py --participants 1000000 --out Benchmarks/data/scores-10M.csv
"""
import argparse
import os

import numpy as np

MEASURES = [
    # id, mean, sd, change by arm, decimals
    ("scs-sf.total", 2.6, 0.6, (0.45, 0.2, 0.05), 2),
    ("pseq.total", 25.0, 11.0, (6.0, 3.0, 0.5), 0),
    ("fscrs.hated-self", 8.0, 4.5, (-2.0, -1.0, -0.2), 0),
    ("dass21.stress", 22.0, 9.0, (-5.0, -3.0, -1.0), 0),
    ("craving.rating", 6.0, 2.2, (-1.2, -0.6, -0.1), 1),
]
ARMS = ["compassion", "relaxation", "waitlist"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--participants", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.participants
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    chunk = 100_000
    with open(args.out, "w") as f:
        f.write("participant,arm,timepoint,measure,score\n")
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            ids = np.char.add("P", np.char.zfill(np.arange(start + 1, start + m + 1).astype(str), 7))
            arm = rng.integers(0, 3, size=m)
            dropped = rng.random(m) < 0.08
            lines = []
            cols = {}
            for (mid, mean, sd, change, dec) in MEASURES:
                true = rng.normal(mean, sd, size=m)
                pre = true + rng.normal(0, sd * 0.35, size=m)
                post = true + np.take(change, arm) + rng.normal(0, sd * 0.35, size=m)
                cols[mid] = (np.round(pre, dec), np.round(post, dec), dec)
            arm_names = np.take(ARMS, arm)
            for i in range(m):
                pid, a = ids[i], arm_names[i]
                for mid, (pre, post, dec) in cols.items():
                    fmt = "%.{}f".format(dec)
                    lines.append("%s,%s,pre,%s,%s\n" % (pid, a, mid, fmt % pre[i]))
                for mid, (pre, post, dec) in cols.items():
                    fmt = "%.{}f".format(dec)
                    score = "" if dropped[i] else fmt % post[i]
                    lines.append("%s,%s,post,%s,%s\n" % (pid, a, mid, score))
            f.write("".join(lines))


if __name__ == "__main__":
    main()
