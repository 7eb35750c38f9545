"""mixed_anova.json: one between factor (group) x one within factor (time), Type III and Type II."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats

from common import assert_close, libraries, rstr, run_r, rvec, write_reference

EFFECTS = ["group", "time", "group:time"]


# ----------------------------------------------------------------------------------------------
# datasets (long format; a missing time point is a missing row)

def wide_to_long(ids, groups, matrix, time_levels):
    rows = []
    for i, g, ys in zip(ids, groups, matrix):
        for t, y in zip(time_levels, ys):
            if y is None or (isinstance(y, float) and np.isnan(y)):
                continue
            rows.append((str(i), str(g), t, float(y)))
    return rows


def simulate(rng, sizes, b, *, base=20.0, group_shift=None, time_shift=None, inter=None, subj_sd=5.0,
             noise_sd=3.0, integer=True, lo=0, hi=60, decimals=1, noise_scale_by_time=None):
    a = len(sizes)
    group_shift = np.zeros(a) if group_shift is None else np.asarray(group_shift, float)
    time_shift = np.zeros(b) if time_shift is None else np.asarray(time_shift, float)
    inter = np.zeros((a, b)) if inter is None else np.asarray(inter, float)
    scale = np.ones(b) if noise_scale_by_time is None else np.asarray(noise_scale_by_time, float)
    ids, groups, mat = [], [], []
    letters = "ABCDEFGH"
    k = 0
    for j, nj in enumerate(sizes):
        for _ in range(nj):
            k += 1
            u = rng.normal(0, subj_sd)
            y = base + group_shift[j] + time_shift + inter[j] + u + rng.normal(0, noise_sd, b) * scale
            if integer:
                y = np.clip(np.round(y), lo, hi)
            else:
                y = np.round(y, decimals)
            ids.append(f"p{k:03d}")
            groups.append(letters[j])
            mat.append([float(v) for v in y])
    return ids, groups, mat


def datasets():
    rng = np.random.default_rng(44)
    cases = []

    # statistics.md section 4, unbalanced 5/7/4, b = 3 (decimal scores)
    w = [
        (1, "A", 11.9, 11.9, 10.1), (2, "A", 12.5, 11.7, 14.1), (3, "A", 11.2, 11.5, 12.9),
        (4, "A", 8.3, 8.5, 10.8), (5, "A", 9.6, 9.6, 11.1),
        (6, "B", 9.6, 12.8, 13.1), (7, "B", 1.7, 5.1, 5.5), (8, "B", 10.8, 14.4, 10.4),
        (9, "B", 12.3, 11.0, 11.8), (10, "B", 6.5, 10.0, 10.7), (11, "B", 6.5, 8.2, 7.7),
        (12, "B", 9.9, 10.7, 10.6),
        (13, "C", 12.5, 13.3, 13.2), (14, "C", 10.7, 14.4, 13.1), (15, "C", 11.8, 11.6, 14.6),
        (16, "C", 10.5, 10.2, 11.6),
    ]
    tl = ["t1", "t2", "t3"]
    cases.append(("stats_md_s4_unbalanced_5_7_4_b3", ["A", "B", "C"], tl,
                  wide_to_long([r[0] for r in w], [r[1] for r in w], [r[2:] for r in w], tl)))

    w2 = [
        ("s01", "A", 17, 8, 9), ("s02", "A", 15, 9, 14), ("s03", "A", 9, 13, 6), ("s04", "A", 15, 11, 8),
        ("s05", "A", 22, 18, 15), ("s06", "B", 22, 24, 18), ("s07", "B", 21, 18, 21), ("s08", "B", 27, 18, 24),
        ("s09", "B", 17, 22, 16), ("s10", "C", 20, 20, 15), ("s11", "C", 13, 10, 10), ("s12", "C", 15, 21, 16),
        ("s13", "C", 8, 6, 6), ("s14", "C", 19, 20, 20), ("s15", "C", 15, 17, 16),
    ]
    cases.append(("stats_md_s4_integer_5_4_6_b3", ["A", "B", "C"], tl,
                  wide_to_long([r[0] for r in w2], [r[1] for r in w2], [r[2:] for r in w2], tl)))
    cases.append(("stats_md_s4_integer_5_4_6_b2", ["A", "B", "C"], ["t1", "t2"],
                  wide_to_long([r[0] for r in w2], [r[1] for r in w2], [r[2:4] for r in w2], ["t1", "t2"])))

    # balanced, a = 2, n = 8, b = 2, integer questionnaire scores
    ids, gs, m = simulate(rng, [8, 8], 2, time_shift=[0, -4], inter=[[0, 0], [0, 3]], hi=40)
    cases.append(("balanced_a2_n8_b2_integer", ["A", "B"], ["pre", "post"],
                  wide_to_long(ids, gs, m, ["pre", "post"])))

    # balanced, a = 3, n = 6, b = 3, continuous (1 decimal)
    ids, gs, m = simulate(rng, [6, 6, 6], 3, group_shift=[0, 2, -1], time_shift=[0, -2, -3], integer=False)
    cases.append(("balanced_a3_n6_b3_continuous", ["A", "B", "C"], tl, wide_to_long(ids, gs, m, tl)))

    # unbalanced a = 2 (7, 12), b = 4, integer with many ties (0-20 scale), heteroscedastic over time
    tl4 = ["t1", "t2", "t3", "t4"]
    ids, gs, m = simulate(rng, [7, 12], 4, base=12, time_shift=[0, -1, -2, -2.5], subj_sd=3, noise_sd=2,
                          hi=20, noise_scale_by_time=[0.5, 1, 1.5, 2.5])
    cases.append(("unbalanced_a2_n7_12_b4_integer_ties", ["A", "B"], tl4, wide_to_long(ids, gs, m, tl4)))

    # unbalanced a = 3 (10, 14, 9), b = 4, continuous, some subjects missing a time point
    ids, gs, m = simulate(rng, [10, 14, 9], 4, group_shift=[0, 1.5, -0.5], time_shift=[0, -1, -1.5, -2],
                          inter=[[0, 0, 0, 0], [0, -1, -2, -2], [0, 0.5, 1, 1]], integer=False, decimals=2)
    for idx, t in [(2, 3), (11, 1), (20, 2), (30, 3)]:
        m[idx][t] = None
    cases.append(("unbalanced_a3_n10_14_9_b4_missing_timepoints", ["A", "B", "C"], tl4,
                  wide_to_long(ids, gs, m, tl4)))

    # trial-like: baseline 19/13/15, drop-outs 4/1/4 have no post score; integer 0-42 (DASS-like)
    ids, gs, m = simulate(rng, [19, 13, 15], 2, base=18, time_shift=[0, -3], inter=[[0, -3], [0, -1], [0, 1]],
                          subj_sd=7, noise_sd=4, hi=42)
    drop = {0, 5, 9, 14, 19 + 4, 32 + 2, 32 + 7, 32 + 11, 32 + 13}
    for idx in drop:
        m[idx][1] = None
    cases.append(("trial_like_a3_b2_dropouts_19_13_15", ["A", "B", "C"], ["pre", "post"],
                  wide_to_long(ids, gs, m, ["pre", "post"])))

    # moderate n: a = 3 (30, 25, 35), b = 3, integer 0-60
    ids, gs, m = simulate(rng, [30, 25, 35], 3, base=30, group_shift=[0, -2, 1], time_shift=[0, -3, -5],
                          inter=[[0, 0, 0], [0, -2, -3], [0, 1, 2]], subj_sd=8, noise_sd=5)
    cases.append(("moderate_a3_n30_25_35_b3_integer", ["A", "B", "C"], tl, wide_to_long(ids, gs, m, tl)))

    # small unbalanced a = 2 (4, 9), b = 3
    ids, gs, m = simulate(rng, [4, 9], 3, base=10, time_shift=[0, 1, 3], subj_sd=2, noise_sd=1.5, hi=30)
    cases.append(("small_a2_n4_9_b3_integer", ["A", "B"], tl, wide_to_long(ids, gs, m, tl)))

    # a = 4 (5, 6, 4, 7), b = 3, strong sphericity violation (noise grows over time)
    ids, gs, m = simulate(rng, [5, 6, 4, 7], 3, base=25, group_shift=[0, 3, -3, 1], time_shift=[0, -2, -2],
                          subj_sd=4, noise_sd=2, noise_scale_by_time=[0.3, 1.0, 3.0], integer=False)
    cases.append(("a4_n5_6_4_7_b3_heteroscedastic", ["A", "B", "C", "D"], tl, wide_to_long(ids, gs, m, tl)))

    # rows in shuffled order (the analysis must not depend on row order), a = 2 (10, 11), b = 4
    ids, gs, m = simulate(rng, [10, 11], 4, base=15, time_shift=[0, -2, -3, -3], inter=[[0] * 4, [0, 1, 2, 2]],
                          subj_sd=4, noise_sd=2.5, hi=35)
    rows = wide_to_long(ids, gs, m, tl4)
    order = rng.permutation(len(rows))
    cases.append(("shuffled_rows_a2_n10_11_b4_integer", ["A", "B"], tl4, [rows[i] for i in order]))
    return cases


# ----------------------------------------------------------------------------------------------
# closed-form check (statistics.md section 4)

def closed_form(df, group_levels, time_levels):
    wide = df.pivot(index="id", columns="time", values="y")[time_levels]
    grp = df.groupby("id")["group"].first().loc[wide.index]
    y = wide.to_numpy()
    N, b = y.shape
    a = len(group_levels)
    gm = y.mean()
    subj = y.mean(axis=1)
    out = {}
    n_j = np.array([(grp == g).sum() for g in group_levels])
    gmeans = np.array([y[grp.to_numpy() == g].mean() for g in group_levels])
    cell = np.array([y[grp.to_numpy() == g].mean(axis=0) for g in group_levels])
    tmeans = y.mean(axis=0)
    out["ss_total"] = ((y - gm) ** 2).sum()
    out["ss_a"] = b * (n_j * (gmeans - gm) ** 2).sum()
    gidx = np.array([group_levels.index(g) for g in grp])
    out["ss_sa"] = b * ((subj - gmeans[gidx]) ** 2).sum()
    out["ss_b2"] = N * ((tmeans - gm) ** 2).sum()
    out["ss_ab"] = (n_j[:, None] * (cell - gmeans[:, None] - tmeans[None, :] + gm) ** 2).sum()
    out["ss_bsa"] = ((y - subj[:, None] - cell[gidx] + gmeans[gidx][:, None]) ** 2).sum()
    m_t = cell.mean(axis=0)
    n_h = a / (1.0 / n_j).sum()
    out["ss_b3"] = a * n_h * ((m_t - m_t.mean()) ** 2).sum()
    # sphericity on the pooled within-group SSCP
    if b >= 3:
        resid = y - cell[gidx]
        E = resid.T @ resid
        # orthonormal contrasts: Helmert, normalised
        P = np.zeros((b - 1, b))
        for i in range(1, b):
            P[i - 1, :i] = 1.0
            P[i - 1, i] = -i
            P[i - 1] /= np.linalg.norm(P[i - 1])
        nu = N - a
        S = P @ E @ P.T / nu
        p = b - 1
        W = np.linalg.det(S) / (np.trace(S) / p) ** p
        f = 1 - (2 * p ** 2 + p + 2) / (6 * p * nu)
        chi2 = -(nu - (2 * p ** 2 + p + 2) / (6 * p)) * np.log(W)
        dfm = p * (p + 1) / 2 - 1
        w2 = (p + 2) * (p - 1) * (p - 2) * (2 * p ** 3 + 6 * p ** 2 + 3 * b + 2) / (288 * (nu * p * f) ** 2)
        p1 = stats.chi2.sf(chi2, dfm)
        p2 = stats.chi2.sf(chi2, dfm + 4)
        gg = np.trace(S) ** 2 / (p * np.trace(S @ S))
        out.update(
            W=W, chi2=chi2, chi2_df=dfm, mauchly_p=p1 + w2 * (p2 - p1), gg=gg,
            hf_lecoutre=((nu + 1) * p * gg - 2) / (p * (nu - p * gg)),
            hf_1976=(N * p * gg - 2) / (p * (nu - p * gg)),
        )
    out["N"] = N
    out["n_j"] = n_j
    return out


# ----------------------------------------------------------------------------------------------

R_CASE = r"""
d <- data.frame(id = {ids}, group = factor({groups}, levels = {glevels}),
                time = factor({times}, levels = {tlevels}), y = {ys})
eff <- c("group", "time", "group:time")
for (ty in c(3, 2)) {{
  fit <- suppressMessages(aov_ez("id", "y", d, between = "group", within = "time", type = ty,
                                 anova_table = list(correction = "none", es = c("pes", "ges"))))
  at <- fit$anova_table
  pre <- paste0("c{k}_t", ty, "_")
  out(paste0(pre, "df1"), at[eff, "num Df"]); out(paste0(pre, "df2"), at[eff, "den Df"])
  out(paste0(pre, "mse"), at[eff, "MSE"]); out(paste0(pre, "F"), at[eff, "F"])
  out(paste0(pre, "p"), at[eff, "Pr(>F)"]); out(paste0(pre, "pes"), at[eff, "pes"])
  out(paste0(pre, "ges"), at[eff, "ges"])
  s <- summary(fit$Anova, multivariate = FALSE)
  ut <- s$univariate.tests
  out(paste0(pre, "ss"), ut[eff, "Sum Sq"]); out(paste0(pre, "err_ss"), ut[eff, "Error SS"])
  out(paste0(pre, "ut_df2"), ut[eff, "den Df"]); out(paste0(pre, "ut_F"), ut[eff, "F value"])
  if (!is.null(s$sphericity.tests) && length(s$sphericity.tests) > 0) {{
    out(paste0(pre, "mauchly"), s$sphericity.tests["time", ])
    pa <- s$pval.adjustments
    out(paste0(pre, "gg_eps"), pa["time", "GG eps"]); out(paste0(pre, "hf_eps"), pa["time", "HF eps"])
    out(paste0(pre, "p_gg"), pa[c("time", "group:time"), "Pr(>F[GG])"])
    out(paste0(pre, "p_hf"), pa[c("time", "group:time"), "Pr(>F[HF])"])
    fitgg <- suppressMessages(aov_ez("id", "y", d, between = "group", within = "time", type = ty,
                                     anova_table = list(correction = "GG", es = "pes")))
    out(paste0(pre, "afex_gg_p"), fitgg$anova_table[c("time", "group:time"), "Pr(>F)"])
    out(paste0(pre, "afex_gg_df1"), fitgg$anova_table[c("time", "group:time"), "num Df"])
    out(paste0(pre, "afex_gg_df2"), fitgg$anova_table[c("time", "group:time"), "den Df"])
  }}
}}
"""


def build():
    sets = datasets()
    script = ["suppressMessages(library(afex))", "afex_options(check_contrasts = TRUE)"]
    prepared = []
    for k, (name, glevels, tlevels, rows) in enumerate(sets):
        df = pd.DataFrame(rows, columns=["id", "group", "time", "y"])
        counts = df.groupby("id")["time"].nunique()
        complete_ids = counts[counts == len(tlevels)].index
        excluded = sorted(set(df["id"]) - set(complete_ids))
        dc = df[df["id"].isin(complete_ids)].copy()
        prepared.append((name, glevels, tlevels, rows, df, dc, excluded))
        script.append(R_CASE.format(
            k=k, ids=rstr(dc["id"]), groups=rstr(dc["group"]), glevels=rstr(glevels),
            times=rstr(dc["time"]), tlevels=rstr(tlevels), ys=rvec(dc["y"])))
    r = run_r("\n".join(script))

    cases = []
    for k, (name, glevels, tlevels, rows, df, dc, excluded) in enumerate(prepared):
        b = len(tlevels)
        cf = closed_form(dc, glevels, tlevels)
        expected = {
            "n_complete": int(cf["N"]),
            "n_per_group": {g: int(n) for g, n in zip(glevels, cf["n_j"])},
            "excluded_ids": excluded,
            "ss_total": cf["ss_total"],
        }
        for ty in (3, 2):
            pre = f"c{k}_t{ty}_"
            g = lambda key: r[pre + key]  # noqa: E731
            effects = {}
            for i, e in enumerate(EFFECTS):
                ss, df1, df2 = g("ss")[i], g("df1")[i], g("df2")[i]
                effects[e] = {
                    "ss": ss, "df1": df1, "df2": df2, "ms": ss / df1, "f": g("F")[i], "p": g("p")[i],
                    "partial_eta_sq": g("pes")[i], "generalized_eta_sq": g("ges")[i],
                    "p_gg": None, "p_hf": None,
                }
                assert_close(f"{name} t{ty} {e} F", g("F")[i], g("ut_F")[i], rel=1e-12)
                assert_close(f"{name} t{ty} {e} MSE", g("mse")[i], g("err_ss")[i] / df2, rel=1e-12)
                assert_close(f"{name} t{ty} {e} F from SS", g("F")[i], (ss / df1) / g("mse")[i], rel=1e-10)
            err_between = {"ss": g("err_ss")[0], "df": g("ut_df2")[0]}
            err_within = {"ss": g("err_ss")[1], "df": g("ut_df2")[1]}
            # closed-form checks
            assert_close(f"{name} SS_A", effects["group"]["ss"], cf["ss_a"], rel=1e-10)
            assert_close(f"{name} SS_AB", effects["group:time"]["ss"], cf["ss_ab"], rel=1e-10)
            assert_close(f"{name} SS_S/A", err_between["ss"], cf["ss_sa"], rel=1e-10)
            assert_close(f"{name} SS_BxS/A", err_within["ss"], cf["ss_bsa"], rel=1e-10)
            assert_close(f"{name} SS_B type {ty}", effects["time"]["ss"], cf["ss_b3" if ty == 3 else "ss_b2"],
                         rel=1e-10)
            denom = err_between["ss"] + err_within["ss"]
            for e in EFFECTS:
                assert_close(f"{name} ges {e}", effects[e]["generalized_eta_sq"],
                             effects[e]["ss"] / (effects[e]["ss"] + denom), rel=1e-10)
            if b >= 3:
                for i, e in enumerate(["time", "group:time"]):
                    effects[e]["p_gg"] = g("p_gg")[i]
                    effects[e]["p_hf"] = g("p_hf")[i]
                    assert_close(f"{name} afex GG p", g("p_gg")[i], g("afex_gg_p")[i], rel=1e-12)
            expected[f"type{ty}"] = {"effects": effects, "error": {"between": err_between, "within": err_within}}
        # sphericity
        if b >= 3:
            rW, rp = r[f"c{k}_t3_mauchly"]
            assert_close(f"{name} W", rW, cf["W"], rel=1e-9)
            assert_close(f"{name} Mauchly p", rp, cf["mauchly_p"], rel=1e-8)
            assert_close(f"{name} GG", r[f"c{k}_t3_gg_eps"][0], cf["gg"], rel=1e-10)
            assert_close(f"{name} HF", r[f"c{k}_t3_hf_eps"][0], cf["hf_lecoutre"], rel=1e-10)
            assert r[f"c{k}_t2_mauchly"] == r[f"c{k}_t3_mauchly"]
            eps = r[f"c{k}_t3_gg_eps"][0]
            nu = cf["N"] - len(glevels)
            p = b - 1
            chi2 = -(nu - (2 * p ** 2 + p + 2) / (6 * p)) * np.log(rW)
            expected["sphericity"] = {
                "mauchly_w": rW, "mauchly_chi2": chi2, "mauchly_df": cf["chi2_df"], "mauchly_p": rp,
                "gg_epsilon": eps,
                "hf_epsilon": r[f"c{k}_t3_hf_eps"][0],
                "hf_epsilon_huynh_feldt_1976": cf["hf_1976"],
                "gg_df_time": [r[f"c{k}_t3_afex_gg_df1"][0], r[f"c{k}_t3_afex_gg_df2"][0]],
                "gg_df_interaction": [r[f"c{k}_t3_afex_gg_df1"][1], r[f"c{k}_t3_afex_gg_df2"][1]],
            }
        else:
            expected["sphericity"] = None

        # pingouin (type II)
        pgd = dc.copy()
        aov = pg.mixed_anova(pgd, dv="y", within="time", subject="id", between="group", correction=True,
                             effsize="np2")
        aov_g = pg.mixed_anova(pgd, dv="y", within="time", subject="id", between="group", correction=True,
                               effsize="ng2")
        pg_out = {}
        for row, row_g, e in zip(aov.itertuples(index=False), aov_g.itertuples(index=False), EFFECTS):
            rowd = row._asdict()
            item = {
                "ss": rowd["SS"], "df1": float(rowd["DF1"]), "df2": float(rowd["DF2"]), "ms": rowd["MS"],
                "f": rowd["F"], "p": rowd["p_unc"], "partial_eta_sq": rowd["np2"],
                "generalized_eta_sq": row_g._asdict()["ng2"],
                "p_gg": None,
            }
            if b >= 3 and e != "group":
                item["p_gg"] = rowd["p_GG_corr"]
            pg_out[e] = item
            t2 = expected["type2"]["effects"][e]
            for key in ("ss", "df1", "df2", "f", "p", "partial_eta_sq", "generalized_eta_sq"):
                assert_close(f"{name} pingouin vs afex type2 {e} {key}", item[key], t2[key], rel=1e-8)
            if item["p_gg"] is not None:
                assert_close(f"{name} pingouin GG p {e}", item["p_gg"], t2["p_gg"], rel=1e-8)
        sph_pg = None
        if b >= 3:
            r1 = aov.iloc[1]
            sph_pg = {"gg_epsilon": float(r1["eps"]), "mauchly_w": float(r1["W_spher"]),
                      "mauchly_p": float(r1["p_spher"])}
            assert_close(f"{name} pingouin eps", sph_pg["gg_epsilon"], expected["sphericity"]["gg_epsilon"], rel=1e-9)
            assert_close(f"{name} pingouin W", sph_pg["mauchly_w"], expected["sphericity"]["mauchly_w"], rel=1e-9)
            assert_close(f"{name} pingouin p_spher", sph_pg["mauchly_p"], expected["sphericity"]["mauchly_p"],
                         rel=1e-8)
        expected["type2_pingouin"] = {"effects": pg_out, "sphericity": sph_pg}

        cases.append({
            "name": name,
            "input": {
                "group_levels": glevels, "time_levels": tlevels,
                "id": [r_[0] for r_ in rows], "group": [r_[1] for r_ in rows],
                "time": [r_[2] for r_ in rows], "y": [r_[3] for r_ in rows],
            },
            "expected": expected,
        })

    sources = {
        "type3.effects.*.ss": "R car::Anova on the afex mlm: summary(aov_ez(..., type = 3)$Anova, "
                              "multivariate = FALSE)$univariate.tests[, 'Sum Sq']",
        "type3.effects.*.df1/df2/f/p/partial_eta_sq/generalized_eta_sq":
            "R afex::aov_ez(id, 'y', d, between = 'group', within = 'time', type = 3, "
            "anova_table = list(correction = 'none', es = c('pes', 'ges')))$anova_table",
        "type3.effects.*.ms": "ss / df1 (Python)",
        "type3.effects.*.p_gg / p_hf": "summary(fit$Anova)$pval.adjustments 'Pr(>F[GG])' / 'Pr(>F[HF])' "
                                       "(GG p equals afex correction = 'GG' to 1e-12)",
        "type3.error.between / within": "univariate.tests 'Error SS' and 'den Df' of the group and time rows",
        "type2.*": "as type3 with aov_ez(..., type = 2)",
        "type2_pingouin.effects.*": "pingouin.mixed_anova(dv='y', within='time', subject='id', between='group', "
                                    "correction=True, effsize='np2' | 'ng2'): SS, DF1, DF2, MS, F, p_unc, np2, "
                                    "ng2, p_GG_corr",
        "type2_pingouin.sphericity": "pingouin.mixed_anova columns eps, W_spher, p_spher",
        "sphericity.mauchly_w / mauchly_p": "summary(fit$Anova)$sphericity.tests (car; p includes the "
                                            "second-order term)",
        "sphericity.mauchly_chi2": "Python from R's W: -(nu - (2p^2 + p + 2)/(6p)) ln W, nu = N - a, p = b - 1",
        "sphericity.mauchly_df": "p(p + 1)/2 - 1",
        "sphericity.gg_epsilon / hf_epsilon": "summary(fit$Anova)$pval.adjustments 'GG eps' / 'HF eps' "
                                              "(car: Lecoutre-corrected HF, NOT capped at 1)",
        "sphericity.hf_epsilon_huynh_feldt_1976": "Python: (N p e - 2)/(p (nu - p e)) with R's GG e, uncapped "
                                                  "(SPSS formula)",
        "sphericity.gg_df_*": "afex aov_ez(..., anova_table = list(correction = 'GG'))$anova_table num/den Df",
        "ss_total": "Python (numpy) sum of squared deviations from the grand mean, complete cases",
    }
    return cases, sources


def main(outdir):
    cases, sources = build()
    write_reference(f"{outdir}/mixed_anova.json", "crosscheck/gen_mixed_anova.py",
                    libraries(py=["numpy", "scipy", "pandas", "pingouin"], r=["afex", "car"]), cases, sources,
                    notes="Input is long data (parallel arrays id/group/time/y); a missing time point is a "
                          "missing row. Only subjects with every time level are analysed (complete cases); "
                          "excluded_ids lists the others. Effects are 'group' (between), 'time' (within), "
                          "'group:time'. sphericity is null when there are 2 time levels (epsilon = 1). "
                          "p_gg / p_hf are null for 'group' and when b = 2.")
