"""levene.json: Levene (mean-centred) and Brown-Forsythe (median-centred) tests."""

from __future__ import annotations

import numpy as np
from scipy import stats

from common import assert_close, libraries, rstr, run_r, rvec, write_reference


def group_sets():
    rng = np.random.default_rng(2718)
    out = [
        ("stats_md_s7_2", [[4.2, 5.1, 3.9, 6.0, 5.5], [3.1, 3.3, 2.9, 3.0, 3.6, 3.2], [5.0, 7.9, 2.2, 6.5, 4.1]]),
        ("stats_md_s11_3", [[12, 15, 11, 18, 14, 13], [22, 25, 19, 30, 28], [9, 10, 8, 11, 15, 7, 10]]),
        ("two_groups_equal_n", [list(rng.normal(0, 1, 10)), list(rng.normal(0, 3, 10))]),
        ("two_groups_small_n2_n3", [[1.0, 4.0], [2.0, 2.5, 7.0]]),
        ("four_groups_integer_ties", [list(rng.integers(0, 10, n)) for n in (8, 11, 6, 9)]),
        ("three_groups_moderate", [list(np.round(rng.normal(50, s, n), 2)) for s, n in ((8, 40), (10, 35), (14, 45))]),
        ("three_groups_odd_even_sizes", [list(rng.integers(0, 30, n)) for n in (7, 8, 9)]),
    ]
    return [(name, [[float(v) for v in g] for g in gs]) for name, gs in out]


def build():
    sets = group_sets()
    script = ["suppressMessages(library(car))"]
    for i, (_, gs) in enumerate(sets):
        ys = [v for g in gs for v in g]
        labels = [f"g{j + 1}" for j, g in enumerate(gs) for _ in g]
        script.append(f"y <- {rvec(ys)}; g <- factor({rstr(labels)})")
        for centre in ("mean", "median"):
            script.append(f"lt <- leveneTest(y ~ g, center = {centre})")
            script.append(f'out("c{i}_{centre}", c(lt[1, "F value"], lt[1, "Df"], lt[2, "Df"], lt[1, "Pr(>F)"]))')
    r = run_r("\n".join(script))
    cases = []
    for i, (name, gs) in enumerate(sets):
        exp = {}
        for centre in ("mean", "median"):
            f, d1, d2, p = r[f"c{i}_{centre}"]
            sp = stats.levene(*gs, center=centre)
            assert_close(f"{name} {centre} F", f, sp.statistic, rel=1e-10)
            assert_close(f"{name} {centre} p", p, sp.pvalue, rel=1e-9)
            exp[centre] = {"f": f, "df1": d1, "df2": d2, "p": p, "f_scipy": float(sp.statistic),
                           "p_scipy": float(sp.pvalue)}
        cases.append({"name": name, "input": {"groups": gs}, "expected": exp})
    sources = {
        "mean.*/median.*": "R car::leveneTest(y ~ g, center = mean | median): F value, Df, Pr(>F)",
        "*.f_scipy/p_scipy": "scipy.stats.levene(*groups, center='mean' | 'median')",
    }
    return cases, sources


def main(outdir):
    cases, sources = build()
    write_reference(f"{outdir}/levene.json", "crosscheck/gen_levene.py",
                    libraries(py=["numpy", "scipy"], r=["car"]), cases, sources,
                    notes="'mean' is Levene's original test (SPSS 'Based on Mean'); 'median' is Brown-Forsythe "
                          "(the R and scipy default).")
