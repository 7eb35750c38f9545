"""shapiro.json: Shapiro-Wilk W and p, R shapiro.test as the oracle, scipy recorded alongside."""

from __future__ import annotations

import numpy as np
from scipy import stats

from common import assert_close, libraries, run_r, rvec, write_reference


def samples():
    rng = np.random.default_rng(31415)
    out = [
        ("stats_md_s7_1_n12", [2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 6.1, 3.9, 4.0, 2.2, 3.5]),
        ("stats_md_s7_1_n11", [148, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236]),
        ("stats_md_s7_1_n3", [1, 2, 4]),
        ("stats_md_s7_1_n20", [2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 3.9, 4.1, 2.2, 3.0, 6.8, 3.5, 2.9, 4.0, 3.1, 2.6,
                               5.0, 3.7, 4.2]),
        ("n3_equally_spaced", [1, 2, 3]),
        ("n3_near_degenerate", [0, 0, 1]),
    ]
    kinds = ["normal", "gamma", "uniform", "integer_ties", "lognormal"]
    for n in range(3, 61):
        kind = kinds[n % len(kinds)]
        if kind == "normal":
            x = rng.normal(10, 2, n)
        elif kind == "gamma":
            x = rng.gamma(2.0, 3.0, n)
        elif kind == "uniform":
            x = rng.uniform(0, 1, n)
        elif kind == "integer_ties":
            x = rng.integers(0, 6, n).astype(float)
            if np.all(x == x[0]):
                x[0] += 1
        else:
            x = rng.lognormal(0, 1, n)
        out.append((f"n{n}_{kind}", x))
    for n, kind in [(75, "normal"), (100, "gamma"), (150, "integer_ties"), (250, "normal"), (500, "uniform"),
                    (1000, "normal"), (2000, "gamma"), (5000, "normal")]:
        if kind == "normal":
            x = rng.normal(0, 1, n)
        elif kind == "gamma":
            x = rng.gamma(3.0, 1.0, n)
        elif kind == "uniform":
            x = rng.uniform(-1, 1, n)
        else:
            x = rng.integers(0, 28, n).astype(float)
        out.append((f"n{n}_{kind}", x))
    return [(name, [float(v) for v in x]) for name, x in out]


def build():
    sets = samples()
    script = [f'st <- shapiro.test({rvec(x)}); out("c{i}", c(st$statistic, st$p.value))'
              for i, (_, x) in enumerate(sets)]
    r = run_r("\n".join(script))
    cases = []
    for i, (name, x) in enumerate(sets):
        w, p = r[f"c{i}"]
        sw = stats.shapiro(x)
        assert_close(f"{name} W scipy", w, sw.statistic, rel=0, abs_=1e-6)
        assert_close(f"{name} p scipy", p, sw.pvalue, rel=0, abs_=1e-6)
        cases.append({"name": name, "input": {"x": x},
                      "expected": {"n": len(x), "w": w, "p": p, "w_scipy": float(sw.statistic),
                                   "p_scipy": float(sw.pvalue)}})
    sources = {
        "w/p": "R shapiro.test(x): statistic, p.value (Royston AS R94 with exact qnorm/pnorm): the oracle",
        "w_scipy/p_scipy": "scipy.stats.shapiro(x) (AS R94 with approximate normal routines; differs from R by "
                           "up to ~1e-7, asserted below 1e-6)",
    }
    return cases, sources


def main(outdir):
    cases, sources = build()
    write_reference(f"{outdir}/shapiro.json", "crosscheck/gen_shapiro.py",
                    libraries(py=["numpy", "scipy"], r=["stats"]), cases, sources,
                    notes="Compare Swift with w/p (R) at ~1e-12; w_scipy/p_scipy are for information.")
