"""kruskal.json: Kruskal-Wallis H with tie correction, df, p and mean ranks."""

from __future__ import annotations

import numpy as np
from scipy import stats

from common import assert_close, libraries, rstr, run_r, rvec, write_reference


def group_sets():
    rng = np.random.default_rng(1618)
    out = [
        ("stats_md_s7_3", [[1, 2, 2, 3, 5], [2, 4, 4, 6, 7, 7], [3, 5, 8, 8, 9]]),
        ("stats_md_s11_3", [[27, 31, 31, 35, 40], [31, 33, 35, 35, 42, 44], [20, 22, 27, 31]]),
        ("two_groups_no_ties", [list(np.round(rng.normal(0, 1, 7), 4)), list(np.round(rng.normal(1, 1, 9), 4))]),
        ("three_groups_likert_heavy_ties", [list(rng.integers(1, 6, n)) for n in (12, 10, 14)]),
        ("four_groups_moderate_ties", [list(rng.integers(0, 40, n)) for n in (25, 30, 20, 28)]),
        ("three_groups_singletons_allowed", [[3.0], [1.0, 2.0], [4.0, 5.0, 6.0]]),
        ("five_groups_continuous", [list(np.round(rng.normal(m, 1, 6), 3)) for m in (0, 0.5, 1, 0.2, 0.8)]),
    ]
    return [(name, [[float(v) for v in g] for g in gs]) for name, gs in out]


def build():
    sets = group_sets()
    script = []
    for i, (_, gs) in enumerate(sets):
        ys = [v for g in gs for v in g]
        labels = [f"g{j + 1}" for j, g in enumerate(gs) for _ in g]
        script.append(f"kt <- kruskal.test({rvec(ys)}, factor({rstr(labels)}))")
        script.append(f'out("c{i}", c(kt$statistic, kt$parameter, kt$p.value))')
    r = run_r("\n".join(script))
    cases = []
    for i, (name, gs) in enumerate(sets):
        h, df, p = r[f"c{i}"]
        allv = np.concatenate([np.array(g) for g in gs])
        ranks = stats.rankdata(allv)
        N = len(allv)
        mean_ranks, rank_sums = [], []
        start = 0
        for g in gs:
            rs = ranks[start:start + len(g)]
            start += len(g)
            rank_sums.append(float(rs.sum()))
            mean_ranks.append(float(rs.mean()))
        h_unc = 12 / (N * (N + 1)) * sum(s ** 2 / len(g) for s, g in zip(rank_sums, gs)) - 3 * (N + 1)
        _, counts = np.unique(allv, return_counts=True)
        c = 1 - (counts ** 3 - counts).sum() / (N ** 3 - N)
        sp = stats.kruskal(*gs)
        assert_close(f"{name} H", h, sp.statistic, rel=1e-12)
        assert_close(f"{name} H formula", h, h_unc / c, rel=1e-12)
        assert_close(f"{name} p", p, sp.pvalue, rel=1e-10)
        cases.append({"name": name, "input": {"groups": gs}, "expected": {
            "h": h, "df": df, "p": p, "h_uncorrected": h_unc, "tie_correction": c,
            "rank_sums": rank_sums, "mean_ranks": mean_ranks, "h_scipy": float(sp.statistic),
            "p_scipy": float(sp.pvalue)}})
    sources = {
        "h/df/p": "R kruskal.test(y, g): tie-corrected statistic, parameter, p.value",
        "h_uncorrected/tie_correction": "Python: 12/(N(N+1)) sum R_i^2/n_i - 3(N+1) and 1 - sum(t^3 - t)/(N^3 - N); "
                                        "h = h_uncorrected / tie_correction",
        "rank_sums/mean_ranks": "scipy.stats.rankdata (average ranks for ties) over all observations",
        "h_scipy/p_scipy": "scipy.stats.kruskal(*groups)",
    }
    return cases, sources


def main(outdir):
    cases, sources = build()
    write_reference(f"{outdir}/kruskal.json", "crosscheck/gen_kruskal.py",
                    libraries(py=["numpy", "scipy"], r=["stats"]), cases, sources)
