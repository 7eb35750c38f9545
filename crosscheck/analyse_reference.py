#!/usr/bin/env python3
"""Slow reference analysis of a tidy scores CSV with pandas + pingouin + scipy.

Input CSV columns: participant,arm,timepoint,measure,score (one row per participant x timepoint x
measure; an empty score is missing). For every measure, using the --pre and --post timepoint labels,
it computes descriptives, change with a 95 % CI per arm, d_z and d_av per arm, the Jacobson-Truax RCI
per participant (when --reliability is given for the measure), a Type II mixed ANOVA (pingouin) and the
drop-out (no post score) comparison by arm, and writes JSON to stdout.

Example:
  python3 crosscheck/analyse_reference.py scores.csv --pre baseline --post week8 \
      --reliability FSCRS=0.86 --reliability SCS=0.88 --better FSCRS=lower --better SCS=higher
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np
import pandas as pd
import pingouin as pg
from scipy import stats


def parse_pairs(items, convert, what):
    out = {}
    for item in items or []:
        if "=" not in item:
            raise SystemExit(f"--{what} expects MEASURE=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        out[key.strip()] = convert(value.strip())
    return out


def direction_of(value):
    if value not in ("lower", "higher"):
        raise SystemExit(f"--better expects 'lower' or 'higher', got {value!r}")
    return value


def num(x):
    """JSON-safe float: NaN and infinities become null."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def descriptives(m):
    rows = []
    for (arm, tp), g in m.dropna(subset=["score"]).groupby(["arm", "timepoint"], sort=True):
        rows.append({"arm": arm, "timepoint": tp, "n": int(g["score"].count()), "mean": num(g["score"].mean()),
                     "sd": num(g["score"].std(ddof=1))})
    return rows


def change_by_arm(wide, pre, post):
    out = []
    for arm, g in wide.groupby("arm", sort=True):
        pairs = g.dropna(subset=[pre, post])
        n = len(pairs)
        change = pairs[post] - pairs[pre]
        item = {"arm": arm, "n_pairs": n, "mean_change": num(change.mean()) if n else None,
                "sd_change": num(change.std(ddof=1)) if n > 1 else None, "ci95": None, "d_z": None, "d_av": None}
        if n > 1:
            res = stats.ttest_1samp(change, 0.0)
            ci = res.confidence_interval(confidence_level=0.95)
            item["ci95"] = [num(ci.low), num(ci.high)]
            item["d_z"] = num(pg.compute_effsize(pairs[post], pairs[pre], paired=True, eftype="cohen_dz"))
            sd_av = (pairs[pre].std(ddof=1) + pairs[post].std(ddof=1)) / 2
            item["d_av"] = num(change.mean() / sd_av)
        out.append(item)
    return out


def jacobson_truax(wide, pre, post, reliability, better):
    pairs = wide.dropna(subset=[pre, post]).sort_index()
    if len(pairs) < 2:
        return None
    sd_pre = pairs[pre].std(ddof=1)
    sem = sd_pre * math.sqrt(1 - reliability)
    s_diff = math.sqrt(2 * sem ** 2)
    cv = stats.norm.ppf(0.975)
    direction = -1 if better == "lower" else 1
    rci = (pairs[post] - pairs[pre]) / s_diff
    category = np.where(direction * rci > cv, "improved",
                        np.where(direction * rci < -cv, "deteriorated", "unchanged"))
    participants = [
        {"participant": pid, "arm": arm, "pre": num(x), "post": num(y), "rci": num(v), "category": c}
        for pid, arm, x, y, v, c in zip(pairs.index, pairs["arm"], pairs[pre], pairs[post], rci, category)
    ]
    counts = {}
    for arm, g in pd.DataFrame({"arm": pairs["arm"], "category": category}).groupby("arm", sort=True):
        counts[arm] = {k: int((g["category"] == k).sum()) for k in ("improved", "unchanged", "deteriorated")}
    return {"reliability": reliability, "better": better, "sd_pre": num(sd_pre), "sem": num(sem),
            "s_diff": num(s_diff), "critical_value": num(cv), "participants": participants, "counts_by_arm": counts}


def mixed_anova(m, pre, post):
    long = m[m["timepoint"].isin([pre, post])].dropna(subset=["score"])
    if long["arm"].nunique() < 2:
        return None
    complete = long.groupby("participant")["timepoint"].nunique()
    long = long[long["participant"].isin(complete[complete == 2].index)]
    if long.empty or long["arm"].nunique() < 2:
        return None
    aov = pg.mixed_anova(data=long, dv="score", within="timepoint", subject="participant", between="arm",
                         effsize="np2")
    names = {"arm": "arm", "timepoint": "time", "Interaction": "arm:time"}
    effects = {}
    for _, row in aov.iterrows():
        effects[names.get(row["Source"], row["Source"])] = {
            "ss": num(row["SS"]), "df1": num(row["DF1"]), "df2": num(row["DF2"]), "ms": num(row["MS"]),
            "f": num(row["F"]), "p": num(row["p_unc"]), "partial_eta_sq": num(row["np2"]),
        }
    return {"type": "II (pingouin.mixed_anova)", "n_complete": int(long["participant"].nunique()),
            "effects": effects}


def dropout(wide, pre, post):
    base = wide.dropna(subset=[pre]).copy()
    base["dropped"] = base[post].isna()
    table = pd.crosstab(base["arm"], base["dropped"]).reindex(columns=[False, True], fill_value=0)
    arms = list(table.index)
    out = {
        "by_arm": [{"arm": a, "n_baseline": int(table.loc[a].sum()), "n_dropped": int(table.loc[a, True]),
                    "proportion_dropped": num(table.loc[a, True] / table.loc[a].sum())} for a in arms],
        "chi2": None, "df": None, "p": None,
    }
    if len(arms) >= 2 and (table.sum(axis=0) > 0).all():
        res = stats.chi2_contingency(table.to_numpy(), correction=False)
        out.update(chi2=num(res.statistic), df=int(res.dof), p=num(res.pvalue))
    return out


def analyse(df, pre, post, reliability, better):
    result = {"pre": pre, "post": post, "measures": {}}
    for measure, m in df.groupby("measure", sort=True):
        wide = m.pivot_table(index=["participant", "arm"], columns="timepoint", values="score", aggfunc="first",
                             dropna=False)
        wide = wide.reset_index().set_index("participant")
        for tp in (pre, post):
            if tp not in wide.columns:
                wide[tp] = np.nan
        entry = {
            "descriptives": descriptives(m),
            "change": change_by_arm(wide, pre, post),
            "jacobson_truax": None,
            "mixed_anova": mixed_anova(m, pre, post),
            "dropout": dropout(wide, pre, post),
        }
        if measure in reliability:
            entry["jacobson_truax"] = jacobson_truax(wide, pre, post, reliability[measure],
                                                     better.get(measure, "lower"))
        result["measures"][measure] = entry
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--pre", required=True)
    ap.add_argument("--post", required=True)
    ap.add_argument("--reliability", action="append", help="MEASURE=r (repeatable)")
    ap.add_argument("--better", action="append", help="MEASURE=lower|higher (repeatable; default lower)")
    ap.add_argument("--type", choices=["2"], default="2",
                    help="the mixed ANOVA's sums of squares: Type II, the only one computed here (tend's --type 2)")
    ap.add_argument("--out", help="write the JSON here instead of standard output")
    args = ap.parse_args(argv)
    reliability = parse_pairs(args.reliability, float, "reliability")
    better = parse_pairs(args.better, direction_of, "better")
    df = pd.read_csv(args.csv, dtype={"participant": str, "arm": str, "timepoint": str, "measure": str})
    missing = {"participant", "arm", "timepoint", "measure", "score"} - set(df.columns)
    if missing:
        raise SystemExit(f"missing columns: {sorted(missing)}")
    df["score"] = pd.to_numeric(df["score"], errors="coerce")
    out = open(args.out, "w") if args.out else sys.stdout
    json.dump(analyse(df, args.pre, args.post, reliability, better), out, indent=1, allow_nan=False)
    out.write("\n")
    if args.out:
        out.close()


if __name__ == "__main__":
    main()
