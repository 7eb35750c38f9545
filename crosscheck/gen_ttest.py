"""ttest.json: two-sample pooled and Welch t tests with CIs; ANOVA-pooled (LSD) pairwise CIs."""

from __future__ import annotations

import itertools

import numpy as np
from scipy import stats

from common import assert_close, libraries, rstr, run_r, rvec, write_reference

LEVELS = (0.80, 0.95)


def two_sample_sets():
    rng = np.random.default_rng(5150)
    out = [
        ("stats_md_s5_1_change_scores", [-5, -2, -8, 0, -3, -6, -1, -4], [-1, 0, -3, 2, -2, 1, 0]),
        ("stats_md_s5_1_three_arm_A_vs_B", [-9, -6, 4, -4, -4], [2, -3, -9, 5]),
        ("stats_md_s5_1_three_arm_A_vs_C", [-9, -6, 4, -4, -4], [0, -3, 6, -2, 1, 2]),
        ("stats_md_s5_1_three_arm_B_vs_C", [2, -3, -9, 5], [0, -3, 6, -2, 1, 2]),
        ("tiny_n2_n3", [1.5, 2.5], [0.0, 3.0, 4.5]),
        ("small_n3_n4_integer", list(rng.integers(-6, 3, 3)), list(rng.integers(-4, 5, 4))),
        ("ties_n10_n10_integer", list(rng.integers(-5, 2, 10)), list(rng.integers(-3, 3, 10))),
        ("unequal_var_n25_n40", list(np.round(rng.normal(-3, 6, 25), 3)), list(np.round(rng.normal(-1, 2, 40), 3))),
        ("moderate_n60_n55", list(np.round(rng.normal(-4.2, 7.5, 60), 2)), list(np.round(rng.normal(-2.0, 7.0, 55), 2))),
        ("very_unequal_n5_n30", list(np.round(rng.normal(0, 10, 5), 1)), list(np.round(rng.normal(2, 1, 30), 1))),
        ("identical_means", [1.0, 2.0, 3.0, 4.0], [0.0, 2.5, 2.5, 5.0]),
    ]
    return [(n, [float(v) for v in x], [float(v) for v in y]) for n, x, y in out]


def multi_sets():
    rng = np.random.default_rng(6061)
    out = [
        ("stats_md_s5_1_three_arm", {"A": [-9, -6, 4, -4, -4], "B": [2, -3, -9, 5], "C": [0, -3, 6, -2, 1, 2]}),
        ("three_arm_unbalanced_15_12_11_integer", {
            "CFT": list(rng.integers(-12, 4, 15)), "Relaxation": list(rng.integers(-8, 5, 12)),
            "Waitlist": list(rng.integers(-5, 6, 11))}),
        ("three_arm_continuous_20_22_18", {
            "A": list(np.round(rng.normal(-5, 4, 20), 2)), "B": list(np.round(rng.normal(-3, 5, 22), 2)),
            "C": list(np.round(rng.normal(0, 4.5, 18), 2))}),
        ("four_arm_unbalanced_6_9_7_8", {
            "A": list(np.round(rng.normal(0, 2, 6), 1)), "B": list(np.round(rng.normal(1, 2, 9), 1)),
            "C": list(np.round(rng.normal(-1, 2, 7), 1)), "D": list(np.round(rng.normal(0.5, 2, 8), 1))}),
    ]
    return [(n, {k: [float(v) for v in vs] for k, vs in g.items()}) for n, g in out]


def build():
    two = two_sample_sets()
    multi = multi_sets()
    script = []
    for i, (name, x, y) in enumerate(two):
        script.append(f"x <- {rvec(x)}; y <- {rvec(y)}")
        for eq, tag in ((True, "pooled"), (False, "welch")):
            for lv in LEVELS:
                script.append(f"tt <- t.test(x, y, var.equal = {'TRUE' if eq else 'FALSE'}, conf.level = {lv!r})")
                script.append(f'out("c{i}_{tag}_{int(lv * 100)}", c(tt$statistic, tt$parameter, tt$p.value, '
                              f'tt$conf.int, tt$stderr, tt$estimate))')
    for i, (name, groups) in enumerate(multi):
        labels = list(groups)
        ys = [v for g in labels for v in groups[g]]
        gs = [g for g in labels for _ in groups[g]]
        script.append(f"y <- {rvec(ys)}; g <- factor({rstr(gs)}, levels = {rstr(labels)})")
        script.append("fit0 <- lm(y ~ g); av <- anova(fit0)")
        script.append(f'out("m{i}_anova", c(av[1, "F value"], av[1, "Pr(>F)"], av[2, "Mean Sq"], av[2, "Df"]))')
        for a, b in itertools.combinations(range(len(labels)), 2):
            script.append(f'fit <- lm(y ~ relevel(g, ref = "{labels[b]}"))')
            coef = f'"relevel(g, ref = \\"{labels[b]}\\"){labels[a]}"'
            script.append(f"co <- summary(fit)$coefficients[{coef}, ]")
            script.append(f'out("m{i}_{a}_{b}", c(co, confint(fit, {coef}, level = 0.8), '
                          f'confint(fit, {coef}, level = 0.95)))')
    r = run_r("\n".join(script))

    cases = []
    for i, (name, x, y) in enumerate(two):
        xa, ya = np.array(x), np.array(y)
        exp = {
            "n1": len(x), "n2": len(y), "mean1": float(xa.mean()), "mean2": float(ya.mean()),
            "sd1": float(xa.std(ddof=1)), "sd2": float(ya.std(ddof=1)),
        }
        for eq, tag in ((True, "pooled"), (False, "welch")):
            res = {}
            for lv in LEVELS:
                t, df, p, lo, hi, se, m1, m2 = r[f"c{i}_{tag}_{int(lv * 100)}"]
                res.update(t=t, df=df, p=p, se=se)
                res[f"ci{int(lv * 100)}"] = [lo, hi]
                exp["difference"] = m1 - m2
            exp[tag] = res
            sp = stats.ttest_ind(xa, ya, equal_var=eq)
            sres = {"t": float(sp.statistic), "df": float(sp.df), "p": float(sp.pvalue)}
            for lv in LEVELS:
                ci = sp.confidence_interval(confidence_level=lv)
                sres[f"ci{int(lv * 100)}"] = [float(ci.low), float(ci.high)]
            exp[f"{tag}_scipy"] = sres
            for key in ("t", "df", "p"):
                assert_close(f"{name} {tag} {key}", res[key], sres[key], rel=1e-9)
            for lv in LEVELS:
                k = f"ci{int(lv * 100)}"
                assert_close(f"{name} {tag} {k}", res[k], sres[k], rel=1e-9, abs_=1e-12)
        assert_close(f"{name} difference", exp["difference"], xa.mean() - ya.mean(), rel=1e-12, abs_=1e-15)
        cases.append({"name": name, "input": {"kind": "two_sample", "x": x, "y": y, "levels": list(LEVELS)},
                      "expected": exp})

    for i, (name, groups) in enumerate(multi):
        labels = list(groups)
        F, p, msw, dfw = r[f"m{i}_anova"]
        fo = stats.f_oneway(*[np.array(groups[g]) for g in labels])
        assert_close(f"{name} F", F, fo.statistic, rel=1e-9)
        pairs = []
        for a, b in itertools.combinations(range(len(labels)), 2):
            est, se, t, pv, lo80, hi80, lo95, hi95 = r[f"m{i}_{a}_{b}"]
            xa, ya = np.array(groups[labels[a]]), np.array(groups[labels[b]])
            assert_close(f"{name} lsd se", se, np.sqrt(msw * (1 / len(xa) + 1 / len(ya))), rel=1e-10)
            q = stats.t.ppf(0.9, dfw)
            assert_close(f"{name} lsd ci80", [lo80, hi80], [est - q * se, est + q * se], rel=1e-9, abs_=1e-12)
            pairs.append({"arm1": labels[a], "arm2": labels[b], "difference": est, "se": se, "t": t, "df": dfw,
                          "p": pv, "ci80": [lo80, hi80], "ci95": [lo95, hi95]})
        cases.append({
            "name": name,
            "input": {"kind": "anova_pooled", "groups": [{"label": g, "values": groups[g]} for g in labels],
                      "levels": list(LEVELS)},
            "expected": {"ms_within": msw, "df_within": dfw, "anova_f": F, "anova_p": p, "pairs": pairs},
        })

    sources = {
        "pooled / welch": "R t.test(x, y, var.equal = TRUE / FALSE, conf.level = L): statistic, parameter (df), "
                          "p.value, stderr (se), conf.int (ciNN for L = 0.NN)",
        "difference": "R t.test estimate: mean(x) - mean(y)",
        "mean1/mean2/sd1/sd2": "numpy (sd with ddof = 1)",
        "pooled_scipy / welch_scipy": "scipy.stats.ttest_ind(x, y, equal_var=...) statistic, df, pvalue and "
                                      ".confidence_interval(confidence_level=L)",
        "anova_pooled.pairs": "R lm(y ~ relevel(g, ref = arm2)): coefficient of arm1 (= mean1 - mean2), its "
                              "Std. Error (sqrt(MS_w (1/n1 + 1/n2))), t value, Pr(>|t|) and confint(level = L); "
                              "df = N - a",
        "anova_pooled.ms_within/df_within/anova_f/anova_p": "R anova(lm(y ~ g)) residual Mean Sq / Df and the "
                                                            "group F / Pr(>F) (= scipy.stats.f_oneway)",
    }
    return cases, sources


def main(outdir):
    cases, sources = build()
    write_reference(f"{outdir}/ttest.json", "crosscheck/gen_ttest.py",
                    libraries(py=["numpy", "scipy"], r=["stats"]), cases, sources,
                    notes="Two kinds of case (input.kind): 'two_sample' (difference = mean(x) - mean(y), "
                          "pooled Student and Welch) and 'anova_pooled' (pairwise arm1 - arm2 using MS_within of "
                          "all arms, df = N - a: the SPSS one-way ANOVA LSD interval). p values are two-sided.")
