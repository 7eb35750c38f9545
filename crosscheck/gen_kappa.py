"""kappa.json: Cohen's kappa with the Fleiss-Cohen-Everitt SE, 95 % CI, SE under H0 and z test."""

from __future__ import annotations

import numpy as np
from statsmodels.stats.inter_rater import cohens_kappa

from common import assert_close, libraries, write_reference


def tables():
    rng = np.random.default_rng(1960)
    out = [
        ("stats_md_s8_1_fleiss_raters_1_2_5x5", [[7, 1, 2, 3, 0], [0, 8, 1, 1, 0], [0, 0, 2, 0, 0], [0, 0, 0, 1, 0],
                                                  [0, 0, 0, 0, 4]]),
        ("stats_md_s8_1_sas_3x3", [[0, 4, 1], [0, 8, 0], [0, 1, 5]]),
        ("stats_md_s8_1_2x2", [[20, 5], [10, 15]]),
        ("2x2_high_agreement", [[40, 3], [2, 25]]),
        ("2x2_below_chance", [[2, 10], [12, 3]]),
    ]
    truth = rng.integers(0, 3, 40)
    other = np.where(rng.uniform(size=40) < 0.7, truth, rng.integers(0, 3, 40))
    t = np.zeros((3, 3), dtype=int)
    for a, b in zip(truth, other):
        t[a, b] += 1
    out.append(("3x3_simulated_n40", t.tolist()))
    truth = rng.integers(0, 4, 120)
    other = np.where(rng.uniform(size=120) < 0.55, truth, rng.integers(0, 4, 120))
    t = np.zeros((4, 4), dtype=int)
    for a, b in zip(truth, other):
        t[a, b] += 1
    out.append(("4x4_simulated_n120", t.tolist()))
    return out


def build():
    cases = []
    for name, t in tables():
        arr = np.array(t, dtype=float)
        res = cohens_kappa(arr)
        n = arr.sum()
        p = arr / n
        po = np.trace(p)
        pe = (p.sum(axis=1) * p.sum(axis=0)).sum()
        kappa = (po - pe) / (1 - pe)
        assert_close(f"{name} kappa", kappa, res["kappa"], rel=1e-12)
        cases.append({
            "name": name,
            "input": {"table": t, "level": 0.95},
            "expected": {
                "n": int(n), "p_o": float(po), "p_e": float(pe), "kappa": float(res["kappa"]),
                "se": float(res["std_kappa"]), "ci95": [float(res["kappa_low"]), float(res["kappa_upp"])],
                "se0": float(res["std_kappa0"]), "z": float(res["z_value"]),
                "p_two_sided": float(res["pvalue_two_sided"]), "p_one_sided": float(res["pvalue_one_sided"]),
            },
        })
    sources = {
        "kappa/se/ci95/se0/z/p_two_sided/p_one_sided": "statsmodels.stats.inter_rater.cohens_kappa(table): kappa, "
            "std_kappa (Fleiss-Cohen-Everitt 1969), kappa_low/kappa_upp (kappa -/+ z(0.975) std_kappa), "
            "std_kappa0 (SE under H0), z_value = kappa/std_kappa0, pvalue_two_sided, pvalue_one_sided",
        "p_o/p_e": "numpy: trace of the proportion table; sum of products of the margins",
    }
    return cases, sources


def main(outdir):
    cases, sources = build()
    write_reference(f"{outdir}/kappa.json", "crosscheck/gen_kappa.py", libraries(py=["numpy", "statsmodels"], r=()),
                    cases, sources, notes="input.table: rows = rater 1 categories, columns = rater 2 categories.")
