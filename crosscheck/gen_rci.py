"""rci.json: reliable change (JT, GLN, HLL, EN, NK, HA), cut-offs a/b/c, combined categories, clinsig table.

A Python implementation of the formulas in statistics.md sections 1-2 (a port of R clinicalsignificance
and R clinsig, which cannot be installed here). Before anything is written, the implementation is checked
against the published numbers of statistics.md section 1.6, section 1.6b (the package's own snapshots for
claus_2020) and section 2.2 (clinsig tables).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from common import libraries, write_reference

METHODS = ["JT", "GLN", "HLL", "EN", "NK", "HA"]
COMBINED_METHODS = ["JT", "GLN", "HLL", "EN", "NK"]
CATS5 = ["recovered", "improved", "unchanged", "deteriorated", "harmed"]
ROWS = ["not_significant", "okay_at_baseline", "significant_change"]
COLS = ["deteriorate", "improve", "none"]


def analyse(ids, pre, post, reliability, better, m_functional, sd_functional, reliability_post=None,
            rc_mult=1.96, significance_level=0.05):
    direction = -1 if better == "lower" else 1
    if reliability_post is None:
        reliability_post = reliability
    complete = [p is not None and q is not None for p, q in zip(pre, post)]
    used_ids = [i for i, c in zip(ids, complete) if c]
    x = np.array([p for p, c in zip(pre, complete) if c], dtype=float)
    y = np.array([q for q, c in zip(post, complete) if c], dtype=float)
    n = len(x)
    m_pre, sd_pre = x.mean(), x.std(ddof=1)
    m_post, sd_post = y.mean(), y.std(ddof=1)
    r = reliability
    sem = sd_pre * np.sqrt(1 - r)
    s_diff = np.sqrt(2 * sem ** 2)
    sep = sd_pre * np.sqrt(1 - r ** 2)
    r_pp = float(np.corrcoef(x, y)[0, 1])
    r_xx1 = (sd_pre ** 2 - sem ** 2) / sd_pre ** 2
    r_xx2 = (sd_post ** 2 - sem ** 2) / sd_post ** 2
    r_dd = ((sd_pre ** 2 * r_xx1 + sd_post ** 2 * r_xx2 - 2 * sd_pre * sd_post * r_pp)
            / (sd_pre ** 2 + sd_post ** 2 - 2 * sd_pre * sd_post * r_pp))
    cv = stats.norm.ppf(1 - significance_level / 2)
    cv_ha = stats.norm.ppf(1 - significance_level)
    rp = reliability_post
    rci = {
        "JT": (y - x) / s_diff,
        "GLN": ((y - m_pre) - r * (x - m_pre)) / sep,
        "HLL": ((y - m_post) - r * (x - m_pre)) / sep,
        "EN": (y - (r * (x - m_pre) + m_pre)) / sem,
        "NK": (y - (r * (x - m_pre) + m_pre)) / np.sqrt(r ** 2 * sd_pre ** 2 * (1 - r) + sd_pre ** 2 * (1 - rp)),
        "HA": ((y - x) * r_dd + (m_post - m_pre) * (1 - r_dd)) / (np.sqrt(r_dd) * np.sqrt(2 * sem ** 2)),
    }
    methods = {}
    for meth in METHODS:
        c = cv_ha if meth == "HA" else cv
        v = rci[meth]
        cat = np.where(direction * v > c, "improved", np.where(direction * v < -c, "deteriorated", "unchanged"))
        methods[meth] = {
            "critical_value": float(c),
            "rci": v.tolist(),
            "category": cat.tolist(),
            "counts": {k: int((cat == k).sum()) for k in ("improved", "unchanged", "deteriorated")},
        }
    cut = {
        "a": m_pre + direction * 2 * sd_pre,
        "b": m_functional - direction * 2 * sd_functional,
        "c": (sd_pre * m_functional + sd_functional * m_pre) / (sd_pre + sd_functional),
    }
    b_package = m_functional - direction * 2 * sd_pre
    combined = {}
    for ctype, cstar in cut.items():
        clinical_pre = direction * x < direction * cstar
        functional_post = direction * y > direction * cstar
        per = {}
        for meth in COMBINED_METHODS:
            cat = np.array(methods[meth]["category"])
            imp = cat == "improved"
            det = cat == "deteriorated"
            recovered = clinical_pre & functional_post & imp
            harmed = ~clinical_pre & ~functional_post & det
            out = np.where(recovered, "recovered",
                           np.where(imp, "improved",
                                    np.where(harmed, "harmed", np.where(det, "deteriorated", "unchanged"))))
            per[meth] = {"category": out.tolist(), "counts": {k: int((out == k).sum()) for k in CATS5}}
        combined[ctype] = {"cutoff": float(cstar), "clinical_pre": clinical_pre.tolist(),
                           "functional_post": functional_post.tolist(), "methods": per}

    # clinsig (R package clinsig, print.clinsig table), criteria from ALL pre scores
    all_pre = np.array([p for p in pre if p is not None], dtype=float)
    dys_mct, dys_disp = all_pre.mean(), all_pre.std(ddof=1)
    dir_effect = float(np.sign(m_functional - dys_mct))
    crit = {
        "a": max(dys_mct + 2 * dys_disp * dir_effect, 0.0),
        "b": m_functional - 2 * sd_functional * dir_effect,
        "c": (dys_disp * m_functional + dys_mct * sd_functional) / (sd_functional + dys_disp),
    }
    rc = rc_mult * dys_disp * np.sqrt(2) * np.sqrt(1 - r)
    reliable = np.abs(x - y) > rc
    col = np.where(~reliable, "none", np.where(dir_effect * (y - x) > 0, "improve", "deteriorate"))
    clinsig_tables = {}
    for ctype, critval in crit.items():
        row = np.array(["not_significant"] * n, dtype=object)
        post_func = (y < critval) if dir_effect < 0 else (y > critval)
        pre_func = (x < critval) if dir_effect < 0 else (x > critval)
        row[post_func] = "significant_change"
        row[pre_func] = "okay_at_baseline"
        table = [[int(((row == rr) & (col == cc)).sum()) for cc in COLS] for rr in ROWS]
        clinsig_tables[ctype] = {"criterion": float(critval), "row": row.tolist(), "table": table}
    clinsig = {
        "dys_mct": float(dys_mct), "dys_disp": float(dys_disp), "dir_effect": dir_effect, "rc_mult": rc_mult,
        "rc": float(rc), "column": col.tolist(), "criteria": clinsig_tables,
    }
    return {
        "n_original": len(ids), "n_used": n, "ids_used": used_ids,
        "direction": direction,
        "m_pre": float(m_pre), "sd_pre": float(sd_pre), "m_post": float(m_post), "sd_post": float(sd_post),
        "sem": float(sem), "s_diff": float(s_diff), "sep": float(sep), "r_pp": r_pp,
        "r_xx_post_ha": float(r_xx2), "r_dd": float(r_dd), "cv": float(cv), "cv_ha": float(cv_ha),
        "methods": methods,
        "cutoffs": {"a": float(cut["a"]), "b": float(cut["b"]), "c": float(cut["c"]), "b_package": float(b_package)},
        "combined": combined,
        "clinsig": clinsig,
    }


# ----------------------------------------------------------------------------------------------
# published numbers the implementation must reproduce

CLAUS = ("1:25>13 2:15>11 3:28>4 5:30>25 6:21>9 7:26>17 8:31>15 9:21>2 10:27>8 11:28>7 12:23>13 13:24>30 "
         "14:28>9 15:26>8 16:27>14 18:32>27 19:27>20 20:25>28 21:28>14 22:25>24 23:22>10 24:24>18 25:24>22 "
         "26:21>8 28:18>20 29:27>2 30:25>13 31:27>18 32:22>2 33:23>16 34:25>16 35:25>24 36:26>8 37:22>6 "
         "38:24>22 39:23>20 40:26>18 41:28>24 42:24>9 43:21>25")


def claus_pairs():
    ids, pre, post = [], [], []
    for tok in CLAUS.split():
        i, rest = tok.split(":")
        a, b = rest.split(">")
        ids.append(i)
        pre.append(float(a))
        post.append(float(b))
    return ids, pre, post


def near(a, b, tol):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape or np.any(np.abs(a - b) > tol):
        raise AssertionError(f"published value not reproduced: {a} vs {b} (tol {tol})")


def verify_published():
    pre = [30, 28, 25, 35, 22, 27, 31, 26, 33, 18]
    post = [15, 26, 24, 20, 28, 12, 30, 14, 35, 10]
    res = analyse([str(i + 1) for i in range(10)], pre, post, 0.85, "lower", 10.0, 5.0)
    near([res["m_pre"], res["sd_pre"], res["m_post"], res["sd_post"]], [27.5, 5.104464, 21.4, 8.474799], 5e-7)
    near([res["sem"], res["s_diff"], res["sep"], res["r_pp"], res["r_xx_post_ha"], res["r_dd"]],
         [1.976951, 2.795830, 2.688943, 0.416095, 0.945583, 0.873676], 5e-7)
    published = {
        "JT": [-5.3651, -0.7154, -0.3577, -5.3651, 2.1461, -5.3651, -0.3577, -4.2921, 0.7154, -2.8614],
        "GLN": [-5.4389, -0.7159, -0.5114, -5.1600, 1.9245, -5.6063, -0.1766, -4.5464, 1.0506, -3.5051],
        "HLL": [-3.1704, 1.5527, 1.7572, -2.8915, 4.1931, -3.3377, 2.0919, -2.2778, 3.3191, -1.2365],
        "EN": [-7.3978, -0.9737, -0.6955, -7.0184, 2.6177, -7.6254, -0.2403, -6.1838, 1.4290, -4.7674],
        "NK": [-5.6366, -0.7419, -0.5299, -5.3476, 1.9945, -5.8101, -0.1831, -4.7117, 1.0888, -3.6325],
        "HA": [-5.3097, -0.9635, -0.6292, -5.3097, 1.7111, -5.3097, -0.6292, -4.3067, 0.3738, -2.9694],
    }
    for meth, vals in published.items():
        near(res["methods"][meth]["rci"], vals, 5e-5)
    near([res["cutoffs"]["a"], res["cutoffs"]["b"], res["cutoffs"]["c"], res["cutoffs"]["b_package"]],
         [17.291071, 20.0, 18.659539, 20.208929], 5e-7)
    expect = ["recovered", "unchanged", "unchanged", "improved", "deteriorated", "recovered", "unchanged",
              "recovered", "unchanged", "improved"]
    assert res["combined"]["c"]["methods"]["JT"]["category"] == expect, res["combined"]["c"]["methods"]["JT"]
    near(res["clinsig"]["rc"], 5.479827, 5e-7)
    assert res["clinsig"]["criteria"]["c"]["table"] == [[1, 1, 4], [0, 1, 0], [0, 3, 0]], res["clinsig"]

    ids, pre, post = claus_pairs()
    res = analyse(ids, pre, post, 0.80, "lower", 8.0, 8.0)
    assert res["n_used"] == 40
    near([res["m_pre"], res["sd_pre"], res["m_post"], res["sd_post"], res["cv"]],
         [24.85, 3.3401212937, 14.975, 7.7110892509, 1.959963984540054], 5e-11)
    near([res["sem"], res["s_diff"], res["sep"], res["r_pp"], res["r_xx_post_ha"], res["r_dd"]],
         [1.4937476531, 2.1124781898, 2.0040727762, 0.1631187447, 0.9624748003, 0.9282715986], 5e-11)
    counts = {"JT": (29, 10, 1), "GLN": (29, 10, 1), "HLL": (12, 16, 12), "EN": (32, 5, 3), "HA": (32, 7, 1)}
    combined = {"JT": (26, 3, 10, 1, 0), "GLN": (26, 3, 10, 1, 0), "HLL": (12, 0, 16, 11, 1),
                "EN": (26, 6, 5, 3, 0)}
    for meth, (i, u, d) in counts.items():
        c = res["methods"][meth]["counts"]
        assert (c["improved"], c["unchanged"], c["deteriorated"]) == (i, u, d), (meth, c)
    for meth, tup in combined.items():
        c = res["combined"]["c"]["methods"][meth]["counts"]
        assert tuple(c[k] for k in CATS5) == tup, (meth, c)
    near([res["cutoffs"]["a"], res["cutoffs"]["c"], res["cutoffs"]["b"], res["cutoffs"]["b_package"]],
         [18.1697574127, 19.8869980761, 24.0, 14.6802425873], 5e-11)
    spots = {"1": (-5.6805320205, -5.9728369858, -1.0453712185, -8.0134017113, -4.5222242071, -5.8210292298),
             "3": (-11.361064041, -11.661253163, -6.7337873955, -15.645212865, -8.8291044043, -11.294043037),
             "13": (2.8402660102, 2.9090759923, 7.8365417596, 3.9029350023, 2.2025536447, 2.3884914803),
             "43": (1.8935106735, 1.6117179168, 6.5391836842, 2.1623464935, 1.2202827226, 1.4763225126)}
    # the published NK spot values use reliability_post = 0.5
    res_nk = analyse(ids, pre, post, 0.80, "lower", 8.0, 8.0, reliability_post=0.5)
    for pid, vals in spots.items():
        k = ids.index(pid)
        for meth, v in zip(METHODS, vals):
            src = res_nk if meth == "NK" else res
            near(src["methods"][meth]["rci"][k], v, 5e-9 * max(1, abs(v)))
    c = res_nk["methods"]["NK"]["counts"]
    assert (c["improved"], c["unchanged"], c["deteriorated"]) == (28, 11, 1), c
    c = res_nk["combined"]["c"]["methods"]["NK"]["counts"]
    assert tuple(c[k] for k in CATS5) == (26, 2, 11, 1, 0), c
    cs = res["clinsig"]
    near([cs["criteria"]["a"]["criterion"], cs["criteria"]["b"]["criterion"], cs["criteria"]["c"]["criterion"],
          cs["rc"]], [18.1697574127, 24.0, 19.8869980761, 4.1404572521], 5e-11)
    assert cs["criteria"]["c"]["table"] == [[1, 3, 8], [0, 0, 2], [0, 26, 0]], cs["criteria"]["c"]["table"]
    assert cs["criteria"]["a"]["table"] == cs["criteria"]["c"]["table"]
    assert cs["criteria"]["b"]["table"] == [[1, 2, 4], [0, 8, 4], [0, 19, 2]], cs["criteria"]["b"]["table"]
    near(res["cv"] * res["s_diff"], 4.1403811703, 1e-10)


# ----------------------------------------------------------------------------------------------

def case_inputs():
    rng = np.random.default_rng(1991)
    out = []
    out.append(dict(name="stats_md_s1_6_worked_example", ids=[str(i + 1) for i in range(10)],
                    pre=[30, 28, 25, 35, 22, 27, 31, 26, 33, 18], post=[15, 26, 24, 20, 28, 12, 30, 14, 35, 10],
                    reliability=0.85, reliability_post=None, better="lower", m_functional=10.0, sd_functional=5.0))
    ids, pre, post = claus_pairs()
    out.append(dict(name="stats_md_s1_6b_claus_2020_hamd", ids=ids, pre=pre, post=post, reliability=0.80,
                    reliability_post=None, better="lower", m_functional=8.0, sd_functional=8.0))
    out.append(dict(name="stats_md_s1_6b_claus_2020_hamd_nk_reliability_post_0.5", ids=ids, pre=pre, post=post,
                    reliability=0.80, reliability_post=0.5, better="lower", m_functional=8.0, sd_functional=8.0))

    # higher is better (self-compassion-like mean scores 1-5, two decimals) with missing post scores
    n = 20
    pre = np.round(np.clip(rng.normal(2.4, 0.55, n), 1, 5), 2)
    post = np.round(np.clip(pre + rng.normal(0.45, 0.5, n), 1, 5), 2)
    pre_l = [float(v) for v in pre]
    post_l = [float(v) for v in post]
    for k in (3, 11, 17):
        post_l[k] = None
    pre_l[7] = None  # a participant with only a post score is also dropped
    out.append(dict(name="higher_is_better_n20_missing", ids=[f"s{i + 1:02d}" for i in range(n)], pre=pre_l,
                    post=post_l, reliability=0.88, reliability_post=None, better="higher", m_functional=3.5,
                    sd_functional=0.7))

    # lower is better, integer scores with ties, moderate n
    n = 60
    pre = np.clip(np.round(rng.normal(28, 6, n)), 0, 63)
    post = np.clip(np.round(pre - 6 + 0.3 * (pre - 28) + rng.normal(0, 7, n)), 0, 63)
    out.append(dict(name="lower_is_better_n60_integer", ids=[f"p{i + 1:03d}" for i in range(n)],
                    pre=[float(v) for v in pre], post=[float(v) for v in post], reliability=0.80,
                    reliability_post=None, better="lower", m_functional=9.0, sd_functional=7.5))

    # small n, lower is better; one participant improves a lot from a functional start
    out.append(dict(name="small_n6_lower", ids=["a", "b", "c", "d", "e", "f"],
                    pre=[20.0, 25.0, 31.0, 12.0, 27.0, 22.0], post=[18.0, 12.0, 30.0, 3.0, 33.0, 26.0],
                    reliability=0.90, reliability_post=None, better="lower", m_functional=10.0, sd_functional=6.0))

    # ties exactly on cut-off c: sd_functional = sd_pre makes c the midpoint (m_pre + m_functional)/2 = 18
    pre = [24.0, 26.0, 18.0, 25.0, 30.0, 21.0, 28.0, 22.0]          # mean 24.25
    post = [18.0, 14.0, 24.0, 18.0, 27.0, 18.0, 17.0, 25.0]
    sd = float(np.std(pre, ddof=1))
    m_f = 2 * 18.0 - float(np.mean(pre))
    c = (sd * m_f + sd * np.mean(pre)) / (sd + sd)
    assert c == 18.0, c
    out.append(dict(name="ties_on_cutoff_c_lower", ids=[f"t{i + 1}" for i in range(8)], pre=pre, post=post,
                    reliability=0.75, reliability_post=None, better="lower", m_functional=m_f, sd_functional=sd))
    return out


def build():
    verify_published()
    cases = []
    for spec in case_inputs():
        res = analyse(spec["ids"], spec["pre"], spec["post"], spec["reliability"], spec["better"],
                      spec["m_functional"], spec["sd_functional"], reliability_post=spec["reliability_post"])
        rp = spec["reliability_post"]
        inp = {
            "ids": spec["ids"], "pre": spec["pre"], "post": spec["post"], "reliability": spec["reliability"],
            "reliability_post": rp if rp is not None else spec["reliability"],
            "better": spec["better"], "m_functional": spec["m_functional"], "sd_functional": spec["sd_functional"],
            "significance_level": 0.05, "rc_mult": 1.96,
        }
        cases.append({"name": spec["name"], "input": inp, "expected": res})
    sources = {
        "all": "Python/numpy implementation of statistics.md sections 1-2 (ports of R clinicalsignificance "
               "calc_rci / calc_cutoff / .calc_recovered and R clinsig / print.clinsig); verified before writing "
               "against statistics.md 1.6, 1.6b (package snapshots for claus_2020) and 2.2",
        "cv / cv_ha": "scipy.stats.norm.ppf(0.975) / norm.ppf(0.95)",
    }
    return cases, sources


def main(outdir):
    cases, sources = build()
    write_reference(
        f"{outdir}/rci.json", "crosscheck/gen_rci.py", libraries(py=["numpy", "scipy"], r=()), cases, sources,
        notes="Per-participant arrays (methods.*.rci/category, combined.*.clinical_pre/functional_post/category, "
              "clinsig.column, clinsig.criteria.*.row) follow ids_used: the complete pairs in input order. "
              "change = post - pre; direction = -1 for better = 'lower', +1 for 'higher'. HA uses the one-sided "
              "cv_ha. Combined categories use the standard rule for JT, GLN, HLL, EN and NK (HA's own "
              "group-level rule is not generated). cutoffs.b follows Jacobson & Truax 1991 (functional SD); "
              "cutoffs.b_package is the clinicalsignificance HEAD value (clinical SD). clinsig criteria and rc "
              "use ALL non-missing pre scores (dys_mct, dys_disp) and classify complete pairs; "
              "clinsig tables are 3 x 3: rows [not_significant, okay_at_baseline, significant_change], "
              "columns [deteriorate, improve, none].")
