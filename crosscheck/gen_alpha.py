"""alpha.json: Cronbach's alpha, Feldt CI, standardised alpha, alpha if item deleted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

from common import assert_close, libraries, rvec, run_r, write_reference


def latent_items(rng, n, k, levels, loading, shift=0.0):
    """Integer questionnaire-like items: a latent trait plus noise, cut into `levels` categories."""
    theta = rng.normal(size=n)
    raw = loading * theta[:, None] + rng.normal(size=(n, k)) + shift
    cuts = np.linspace(-1.6, 1.6, levels - 1)
    return np.digitize(raw, cuts).astype(float)


def datasets():
    rng = np.random.default_rng(20240301)
    out = []
    out.append(("stats_md_s3_hand_6x3", np.array(
        [[3, 4, 3], [2, 2, 3], [4, 5, 5], [1, 2, 1], [3, 3, 4], [5, 4, 5]], dtype=float)))
    items = np.array([
        [3, 4, 2, 5, 4, 3, 2, 4, 5, 3],
        [2, 4, 3, 5, 5, 3, 1, 4, 4, 2],
        [3, 5, 2, 4, 4, 2, 2, 5, 5, 3],
        [4, 3, 2, 5, 3, 3, 1, 3, 4, 4],
        [2, 4, 1, 4, 5, 2, 2, 3, 5, 3],
    ], dtype=float)
    out.append(("stats_md_s3_fabricated_10x5", items.T.copy()))
    d = pg.read_dataset("cronbach_alpha")
    w = d.pivot(index="Subj", columns="Items", values="Scores").dropna()
    out.append(("pingouin_cronbach_alpha_dataset_15x10", w.to_numpy(dtype=float)))
    out.append(("likert5_n8_k3", latent_items(rng, 8, 3, 5, 1.5) + 1))
    out.append(("likert5_n25_k6", latent_items(rng, 25, 6, 5, 1.0)))
    out.append(("likert4_n60_k10", latent_items(rng, 60, 10, 4, 0.8)))
    out.append(("likert7_n13_k5", latent_items(rng, 13, 5, 7, 1.2) + 1))
    out.append(("continuous_n200_k4", np.round(rng.normal(size=(200, 1)) + rng.normal(size=(200, 4)), 6)))
    rev = latent_items(rng, 30, 8, 5, 1.0)
    rev[:, 2] = 4 - rev[:, 2]  # one item left reverse-keyed: negative correlations, item-deleted alpha rises
    out.append(("likert5_n30_k8_one_reversed_item", rev))
    out.append(("independent_items_n15_k4_low_alpha", rng.integers(0, 5, size=(15, 4)).astype(float)))
    out.append(("two_items_n20", latent_items(rng, 20, 2, 5, 1.3)))
    out.append(("likert5_n120_k20", latent_items(rng, 120, 20, 5, 0.7)))
    return out


def alpha_numpy(x):
    k = x.shape[1]
    c = np.cov(x, rowvar=False, ddof=1)
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def feldt(alpha, n, k, level):
    g = 1 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lower = 1 - (1 - alpha) * stats.f.ppf(1 - g / 2, df1, df2)
    upper = 1 - (1 - alpha) * stats.f.ppf(g / 2, df1, df2)
    return lower, upper


def build():
    sets = datasets()
    script = ["suppressMessages(library(psych))"]
    for i, (name, x) in enumerate(sets):
        n, k = x.shape
        script.append(f"x <- matrix({rvec(x.ravel(order='C'))}, nrow={n}, ncol={k}, byrow=TRUE)")
        script.append("a <- suppressWarnings(alpha(x, check.keys=FALSE, warnings=FALSE))")
        script.append(f'out("raw{i}", a$total$raw_alpha); out("std{i}", a$total$std.alpha)')
        script.append(f'out("fl{i}", a$feldt$lower.ci$raw_alpha); out("fu{i}", a$feldt$upper.ci$raw_alpha)')
        if k >= 3:
            script.append(f'out("drop{i}", a$alpha.drop$raw_alpha)')
    r = run_r("\n".join(script))

    cases = []
    for i, (name, x) in enumerate(sets):
        n, k = x.shape
        a_np = alpha_numpy(x)
        a_r = r[f"raw{i}"][0]
        assert_close(f"{name} alpha numpy vs psych", a_np, a_r, rel=1e-12)
        df = pd.DataFrame(x, columns=[f"i{j + 1}" for j in range(k)])
        pg_alpha, pg_ci = pg.cronbach_alpha(data=df, ci=0.95)
        assert_close(f"{name} alpha pingouin", pg_alpha, a_r, rel=1e-12)
        lo95, up95 = feldt(a_r, n, k, 0.95)
        lo90, up90 = feldt(a_r, n, k, 0.90)
        assert_close(f"{name} feldt lower psych", lo95, r[f"fl{i}"][0], rel=1e-9, abs_=1e-12)
        assert_close(f"{name} feldt upper psych", up95, r[f"fu{i}"][0], rel=1e-9, abs_=1e-12)
        corr = np.corrcoef(x, rowvar=False)
        rbar = corr[np.triu_indices(k, 1)].mean()
        std_np = k * rbar / (1 + (k - 1) * rbar)
        assert_close(f"{name} std alpha", std_np, r[f"std{i}"][0], rel=1e-12)
        expected = {
            "n": n, "k": k, "df1": n - 1, "df2": (n - 1) * (k - 1),
            "alpha": a_r,
            "feldt_ci95": [lo95, up95],
            "feldt_ci90": [lo90, up90],
            "psych_feldt_ci95": [r[f"fl{i}"][0], r[f"fu{i}"][0]],
            "std_alpha": r[f"std{i}"][0],
            "mean_inter_item_r": rbar,
            "pingouin_alpha": float(pg_alpha),
            "pingouin_ci95_rounded": [float(v) for v in pg_ci],
        }
        if k >= 3:
            drop = r[f"drop{i}"]
            for j in range(k):
                assert_close(f"{name} drop {j}", alpha_numpy(np.delete(x, j, axis=1)), drop[j], rel=1e-12)
            expected["alpha_if_deleted"] = drop
        else:
            expected["alpha_if_deleted"] = None
        cases.append({
            "name": name,
            "input": {"items": x.tolist(), "level": 0.95},
            "expected": expected,
        })
    sources = {
        "alpha": "R psych::alpha(x, check.keys=FALSE)$total$raw_alpha (equals numpy k/(k-1)(1 - tr C / sum C) "
                 "and pingouin.cronbach_alpha to 1e-12)",
        "feldt_ci95": "Feldt interval computed in Python with scipy.stats.f.ppf: lower = 1 - (1 - alpha) * "
                      "F(0.975; n-1, (n-1)(k-1)), upper = 1 - (1 - alpha) * F(0.025; n-1, (n-1)(k-1))",
        "feldt_ci90": "as feldt_ci95 with F(0.95) and F(0.05)",
        "psych_feldt_ci95": "R psych::alpha(...)$feldt lower.ci / upper.ci (R qf; agrees with feldt_ci95 to 1e-9)",
        "std_alpha": "R psych::alpha(...)$total$std.alpha = k*rbar/(1 + (k-1)*rbar)",
        "mean_inter_item_r": "numpy: mean of the k(k-1)/2 off-diagonal Pearson correlations",
        "alpha_if_deleted": "R psych::alpha(...)$alpha.drop$raw_alpha (k >= 3; null for k = 2)",
        "pingouin_alpha": "pingouin.cronbach_alpha(data, ci=0.95)[0]",
        "pingouin_ci95_rounded": "pingouin.cronbach_alpha(data, ci=0.95)[1] (pingouin rounds to 3 decimals)",
    }
    return cases, sources


def main(outdir):
    cases, sources = build()
    write_reference(f"{outdir}/alpha.json", "crosscheck/gen_alpha.py",
                    libraries(py=["numpy", "scipy", "pandas", "pingouin"], r=["psych"]), cases, sources,
                    notes="input.items is an n x k matrix, one row per respondent, one column per item; "
                          "complete data only.")
