"""effectsize.json: within-group pre/post standardised effect sizes and the CI of the mean change."""

from __future__ import annotations

import numpy as np
import pingouin as pg
from scipy import stats
from scipy.special import gammaln

from common import assert_close, libraries, write_reference

CLAUS_PAIRS = [(25, 13), (15, 11), (28, 4), (30, 25), (21, 9), (26, 17), (31, 15), (21, 2), (27, 8), (28, 7),
               (23, 13), (24, 30), (28, 9), (26, 8), (27, 14), (32, 27), (27, 20), (25, 28), (28, 14), (25, 24),
               (22, 10), (24, 18), (24, 22), (21, 8), (18, 20), (27, 2), (25, 13), (27, 18), (22, 2), (23, 16),
               (25, 16), (25, 24), (26, 8), (22, 6), (24, 22), (23, 20), (26, 18), (28, 24), (24, 9), (21, 25)]


def pair_sets():
    rng = np.random.default_rng(99)
    out = [
        ("stats_md_s1_6_worked_example", [30, 28, 25, 35, 22, 27, 31, 26, 33, 18],
         [15, 26, 24, 20, 28, 12, 30, 14, 35, 10]),
        ("stats_md_s1_6b_claus_2020_hamd", [p for p, _ in CLAUS_PAIRS], [q for _, q in CLAUS_PAIRS]),
        ("n3_minimum", [10, 12, 15], [8, 11, 11]),
    ]
    pre = rng.integers(10, 30, 12)
    out.append(("likert_sum_n12_improving_higher", list(pre), list(np.clip(pre + rng.integers(-2, 8, 12), 0, 40))))
    pre = rng.normal(50, 10, 50)
    out.append(("moderate_n50_continuous", list(np.round(pre, 2)),
                list(np.round(0.6 * pre + 20 - 4 + rng.normal(0, 8, 50), 2))))
    pre = rng.normal(20, 4, 15)
    out.append(("negative_prepost_correlation_n15", list(np.round(pre, 1)),
                list(np.round(40 - pre + rng.normal(0, 2, 15), 1))))
    pre = rng.integers(0, 21, 25)
    out.append(("integer_ties_n25_small_change", list(pre), list(np.clip(pre + rng.integers(-3, 3, 25), 0, 21))))
    return [(n, [float(v) for v in a], [float(v) for v in b]) for n, a, b in out]


def j_exact(df):
    return float(np.exp(gammaln(df / 2) - 0.5 * np.log(df / 2) - gammaln((df - 1) / 2)))


def build():
    cases = []
    for name, pre, post in pair_sets():
        x, y = np.array(pre), np.array(post)
        n = len(x)
        change = y - x
        m = change.mean()
        sd = change.std(ddof=1)
        s_pre, s_post = x.std(ddof=1), y.std(ddof=1)
        r = float(np.corrcoef(x, y)[0, 1])
        d_z = m / sd
        d_av = m / ((s_pre + s_post) / 2)
        d_av_rms = m / np.sqrt((s_pre ** 2 + s_post ** 2) / 2)
        d_rm = d_z * np.sqrt(2 * (1 - r))
        d_rm_direct = m / np.sqrt(s_pre ** 2 + s_post ** 2 - 2 * r * s_pre * s_post) * np.sqrt(2 * (1 - r))
        assert_close(f"{name} d_rm", d_rm, d_rm_direct, rel=1e-12)
        df = n - 1
        J = j_exact(df)
        J_approx = 1 - 3 / (4 * df - 1)
        pg_cohen = pg.compute_effsize(y, x, paired=True, eftype="cohen")
        pg_hedges = pg.compute_effsize(y, x, paired=True, eftype="hedges")
        pg_dz = pg.compute_effsize(y, x, paired=True, eftype="cohen_dz")
        assert_close(f"{name} pingouin rms", pg_cohen, d_av_rms, rel=1e-12)
        assert_close(f"{name} pingouin dz", pg_dz, d_z, rel=1e-12)
        assert_close(f"{name} r", r, stats.pearsonr(x, y).statistic, rel=1e-12)
        tt = stats.ttest_1samp(change, 0.0)
        ci = tt.confidence_interval(confidence_level=0.95)
        ci80 = tt.confidence_interval(confidence_level=0.80)
        q = stats.t.ppf(0.975, df)
        assert_close(f"{name} ci", [ci.low, ci.high], [m - q * sd / np.sqrt(n), m + q * sd / np.sqrt(n)], rel=1e-12)
        cases.append({
            "name": name,
            "input": {"pre": pre, "post": post},
            "expected": {
                "n": n, "mean_pre": float(x.mean()), "mean_post": float(y.mean()), "sd_pre": float(s_pre),
                "sd_post": float(s_post), "mean_change": float(m), "sd_change": float(sd), "r": r,
                "d_z": float(d_z), "d_av": float(d_av), "d_av_rms": float(d_av_rms), "d_rm": float(d_rm),
                "hedges_df": df, "hedges_j_exact": J, "hedges_j_approx": J_approx,
                "g_z": float(d_z * J), "g_av": float(d_av * J),
                "t": float(tt.statistic), "p": float(tt.pvalue),
                "mean_change_ci95": [float(ci.low), float(ci.high)],
                "mean_change_ci80": [float(ci80.low), float(ci80.high)],
                "pingouin_cohen": float(pg_cohen), "pingouin_hedges": float(pg_hedges),
                "pingouin_cohen_dz": float(pg_dz),
            },
        })
    sources = {
        "mean_change/sd_change": "numpy: change = post - pre, mean and SD (ddof = 1)",
        "r": "numpy.corrcoef(pre, post) (= scipy.stats.pearsonr)",
        "d_z": "mean_change / sd_change",
        "d_av": "mean_change / ((sd_pre + sd_post) / 2)   (Cumming 2012; Lakens 2013: arithmetic mean of SDs)",
        "d_av_rms": "mean_change / sqrt((sd_pre^2 + sd_post^2) / 2)  (= pingouin.compute_effsize(post, pre, "
                    "paired=True, eftype='cohen'))",
        "d_rm": "d_z * sqrt(2 (1 - r))  (Morris & DeShon 2002; Lakens 2013)",
        "hedges_j_exact": "exp(lgamma(df/2) - log(sqrt(df/2)) - lgamma((df-1)/2)), df = n - 1 (scipy.special.gammaln)",
        "hedges_j_approx": "1 - 3/(4 df - 1), df = n - 1",
        "g_z/g_av": "d_z * hedges_j_exact, d_av * hedges_j_exact",
        "t/p/mean_change_ci95/mean_change_ci80": "scipy.stats.ttest_1samp(change, 0) statistic, pvalue and "
                                                 ".confidence_interval(confidence_level=...)",
        "pingouin_*": "pingouin.compute_effsize(post, pre, paired=True, eftype='cohen' | 'hedges' | 'cohen_dz'); "
                      "pingouin's hedges uses J = 1 - 3/(8n - 9)",
    }
    return cases, sources


def main(outdir):
    cases, sources = build()
    write_reference(f"{outdir}/effectsize.json", "crosscheck/gen_effectsize.py",
                    libraries(py=["numpy", "scipy", "pingouin"], r=()), cases, sources,
                    notes="Sign convention: change = post - pre, so a fall in scores gives negative effect sizes.")
