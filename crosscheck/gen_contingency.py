"""contingency.json: Pearson chi-square, Yates (2x2), likelihood-ratio G, Fisher / Freeman-Halton exact p."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from common import assert_close, libraries, run_r, rvec, write_reference


def tables():
    rng = np.random.default_rng(777)
    out = [
        ("stats_md_s11_1_reported_table_n38", [[4, 11], [1, 11], [4, 7]]),
        ("stats_md_s11_1_flow_table_n47", [[4, 15], [1, 12], [4, 11]]),
        ("stats_md_s6_3x2_completers_first", [[15, 4], [12, 1], [11, 4]]),
        ("stats_md_s6_2x2_8_2_1_5", [[8, 2], [1, 5]]),
        ("stats_md_s11_3_2x2_3_1_1_3", [[3, 1], [1, 3]]),
        ("stats_md_s11_3_2x2_12_5_9_7", [[12, 5], [9, 7]]),
        ("stats_md_s11_3_2x2_1_9_11_3", [[1, 9], [11, 3]]),
        ("2x2_20_5_10_15", [[20, 5], [10, 15]]),
        ("2x2_zero_cell", [[0, 5], [6, 2]]),
        ("2x2_moderate", [[45, 30], [25, 50]]),
        ("2x2_yates_cap_small_deviation", [[5, 5], [5, 6]]),
        ("2x3_small", [[3, 0, 4], [1, 5, 2]]),
        ("3x3_small", [[2, 1, 0], [1, 3, 2], [0, 2, 4]]),
        ("2x4_random", rng.integers(0, 8, size=(2, 4)).tolist()),
        ("4x3_random", rng.integers(1, 7, size=(4, 3)).tolist()),
        ("3x2_random", rng.integers(2, 15, size=(3, 2)).tolist()),
        ("3x4_moderate", rng.integers(3, 20, size=(3, 4)).tolist()),
    ]
    return [(n, [[int(v) for v in row] for row in t]) for n, t in out]


def freeman_halton_enumeration(table):
    """Exact r x c p by full enumeration of the tables with the observed margins, summing the
    probabilities P <= P_obs (1 + 1e-7) (R's relative tolerance). Cell log-factorials are accumulated
    incrementally, one cell at a time."""
    t = [list(row) for row in table]
    r, c = len(t), len(t[0])
    rows = [sum(row) for row in t]
    cols = [sum(t[i][j] for i in range(r)) for j in range(c)]
    n = sum(rows)
    lf = [math.lgamma(k + 1) for k in range(n + 1)]
    const = sum(lf[v] for v in rows) + sum(lf[v] for v in cols) - lf[n]
    log_obs = const - sum(lf[v] for row in t for v in row)
    threshold = log_obs + math.log1p(1e-7)
    total = 0.0

    def rec(i, j, col_left, row_left, acc):
        nonlocal total
        if i == r - 1:
            lp = const - acc - sum(lf[v] for v in col_left)
            if lp <= threshold:
                total += math.exp(lp)
            return
        if j == c - 1:
            v = row_left
            if v > col_left[j]:
                return
            col_left[j] -= v
            rec(i + 1, 0, col_left, rows[i + 1], acc + lf[v])
            col_left[j] += v
            return
        rest = sum(col_left[j + 1:])
        for v in range(max(0, row_left - rest), min(row_left, col_left[j]) + 1):
            col_left[j] -= v
            rec(i, j + 1, col_left, row_left - v, acc + lf[v])
            col_left[j] += v

    rec(0, 0, list(cols), rows[0], 0.0)
    return total


def build():
    tabs = tables()
    script = []
    for i, (name, t) in enumerate(tabs):
        r, c = len(t), len(t[0])
        flat = [v for row in t for v in row]
        script.append(f"m <- matrix({rvec(flat)}, nrow = {r}, ncol = {c}, byrow = TRUE)")
        script.append("ct <- suppressWarnings(chisq.test(m, correct = FALSE))")
        script.append(f'out("c{i}_pearson", c(ct$statistic, ct$parameter, ct$p.value)); '
                      f'out("c{i}_expected", t(ct$expected))')
        if r == 2 and c == 2:
            script.append("cy <- suppressWarnings(chisq.test(m, correct = TRUE))")
            script.append(f'out("c{i}_yates", c(cy$statistic, cy$p.value))')
        script.append(f'out("c{i}_fisher", fisher.test(m)$p.value)')
    res = run_r("\n".join(script))

    cases = []
    for i, (name, t) in enumerate(tabs):
        arr = np.array(t)
        r, c = arr.shape
        x2, df, p = res[f"c{i}_pearson"]
        expected_counts = np.array(res[f"c{i}_expected"]).reshape(r, c)
        sp = stats.chi2_contingency(arr, correction=False)
        assert_close(f"{name} chi2", x2, sp.statistic, rel=1e-12)
        assert_close(f"{name} p", p, sp.pvalue, rel=1e-10)
        assert_close(f"{name} expected", expected_counts.ravel(), sp.expected_freq.ravel(), rel=1e-12)
        g = stats.chi2_contingency(arr, correction=False, lambda_="log-likelihood")
        exp = {
            "n": int(arr.sum()), "df": df, "pearson_chi2": x2, "pearson_p": p,
            "expected": expected_counts.tolist(),
            "yates_chi2": None, "yates_p": None,
            "g_stat": float(g.statistic), "g_p": float(g.pvalue),
            "fisher_p": res[f"c{i}_fisher"][0],
            "fisher_p_scipy": None,
            "min_expected": float(expected_counts.min()),
        }
        if r == 2 and c == 2:
            yx, yp = res[f"c{i}_yates"]
            sy = stats.chi2_contingency(arr, correction=True)
            assert_close(f"{name} yates", yx, sy.statistic, rel=1e-12, abs_=1e-300)
            exp["yates_chi2"], exp["yates_p"] = yx, yp
            fs = stats.fisher_exact(arr)
            exp["fisher_p_scipy"] = float(fs.pvalue)
            assert_close(f"{name} fisher scipy", exp["fisher_p"], fs.pvalue, rel=1e-9)
        fh = freeman_halton_enumeration(t)
        assert_close(f"{name} fisher enumeration", exp["fisher_p"], min(fh, 1.0), rel=1e-9)
        cases.append({"name": name, "input": {"table": t}, "expected": exp})

    sources = {
        "pearson_chi2/df/pearson_p/expected": "R chisq.test(m, correct = FALSE): statistic, parameter, p.value, "
                                              "expected (equals scipy.stats.chi2_contingency(correction=False))",
        "yates_chi2/yates_p": "R chisq.test(m, correct = TRUE) for 2x2 tables only (null otherwise)",
        "g_stat/g_p": "scipy.stats.chi2_contingency(m, correction=False, lambda_='log-likelihood')",
        "fisher_p": "R fisher.test(m)$p.value: Fisher exact for 2x2, Freeman-Halton (network algorithm) for r x c; "
                    "checked against full enumeration in Python (tables with P <= P_obs (1 + 1e-7)) to 1e-9",
        "fisher_p_scipy": "scipy.stats.fisher_exact(m).pvalue (2x2 only; null otherwise)",
        "min_expected": "smallest expected count (for Cochran's rule)",
    }
    return cases, sources


def main(outdir):
    cases, sources = build()
    write_reference(f"{outdir}/contingency.json", "crosscheck/gen_contingency.py",
                    libraries(py=["numpy", "scipy"], r=["stats"]), cases, sources,
                    notes="input.table is a list of rows of counts. expected is in the same r x c layout.")
