"""`tend analyse` against the pandas + pingouin + scipy reference (`analyse_reference.py`) on generated
data: unbalanced arms, drop-outs, a missing pre score, tied integer scores and decimal scores; and on the
benchmark's file at a quarter of its size (`run_large_checks`).

Used by `e2e.py`; compares every number the reference computes at 1e-9 relative (p-values 1e-9 absolute).
"""
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def generate(path, seed=20261123):
    rng = np.random.default_rng(seed)
    arms = [("compassion", 40, -4.0), ("relaxation", 31, -2.0), ("waitlist", 25, 0.5)]
    rows = ["participant,arm,timepoint,measure,score"]
    k = 0
    for arm, n, effect in arms:
        for _ in range(n):
            k += 1
            pid = f"S{k:03d}"
            dropped = rng.random() < 0.15
            base_int = rng.normal(18, 6)
            base_dec = rng.normal(2.8, 0.7)
            pre_int = int(np.clip(round(base_int + rng.normal(0, 2)), 0, 30))
            post_int = int(np.clip(round(base_int + effect + rng.normal(0, 2)), 0, 30))
            pre_dec = round(base_dec + rng.normal(0, 0.3), 2)
            post_dec = round(base_dec - effect / 10 + rng.normal(0, 0.3), 2)
            missing_pre = k == 7
            rows.append(f"{pid},{arm},pre,criticism,{'' if missing_pre else pre_int}")
            rows.append(f"{pid},{arm},pre,kindness,{pre_dec}")
            if not dropped:
                rows.append(f"{pid},{arm},post,criticism,{post_int}")
                rows.append(f"{pid},{arm},post,kindness,{post_dec}")
    with open(path, "w") as f:
        f.write("\n".join(rows) + "\n")


def close(a, b, p=False):
    if a is None or b is None:
        return a is None and b is None
    if p:
        return abs(a - b) <= 1e-9
    return abs(a - b) <= max(1e-9 * max(abs(a), abs(b)), 1e-12)


def reference(data, options, tmp):
    ref_path = os.path.join(tmp, "reference.json")
    subprocess.run([sys.executable, os.path.join(HERE, "analyse_reference.py"), data, *options, "--out", ref_path], check=True)
    with open(ref_path) as f:
        return json.load(f)


def compare(mine, ref, check, label, dropout_measure):
    """Every figure of `ref` (analyse_reference.py) against tend's JSON `mine`. With each participant's row
    in `mine` (--participants), the RCI and category of each; else the category counts."""
    for m in mine["measures"]:
        r = ref["measures"][m["measure"]]
        name = f"{label}{m['measure']}"
        # Descriptives per arm × timepoint.
        bad = []
        for d in r["descriptives"]:
            t = next((x for x in m["descriptives"] if x.get("arm") == d["arm"] and x["timepoint"] == d["timepoint"]), None)
            if t is None or t["n"] != d["n"] or not close(t["mean"], d["mean"]) or not close(t["sd"], d["sd"]):
                bad.append((d, t))
        check(f"agreement {name}: n, mean, SD per arm and timepoint ({len(r['descriptives'])} cells)", not bad, str(bad[:1]))
        # Change per arm.
        bad = []
        for c in r["change"]:
            t = next((x for x in m["change"] if x.get("arm") == c["arm"]), None)
            ok = t is not None and t["n"] == c["n_pairs"] and close(t["meanChange"], c["mean_change"]) \
                and close(t["sdChange"], c["sd_change"]) and close(t["ciLower"], c["ci95"][0]) \
                and close(t["ciUpper"], c["ci95"][1]) and close(t["dz"], c["d_z"]) and close(t["dav"], c["d_av"])
            if not ok:
                bad.append((c, t))
        check(f"agreement {name}: change, 95% CI, d_z, d_av per arm", not bad, str(bad[:1]))
        # Jacobson–Truax.
        jt, rc = r["jacobson_truax"], m["reliableChange"]["result"]
        ok = close(rc["sdPre"], jt["sd_pre"]) and close(rc["sem"], jt["sem"]) and close(rc["sDiff"], jt["s_diff"]) \
            and close(rc["criticalValue"], jt["critical_value"])
        check(f"agreement {name}: JT SD_pre, SEM, S_diff, critical value", ok, f"{rc} vs {jt}")
        if "participants" in m:
            mp = {x["participant"]: x for x in m["participants"]}
            bad = [x for x in jt["participants"] if x["participant"] not in mp
                   or not close(mp[x["participant"]]["rci"], x["rci"])
                   or mp[x["participant"]]["reliableChange"] != x["category"]]
            check(f"agreement {name}: RCI and category for {len(jt['participants'])} participants",
                  not bad and len(mp) == len(jt["participants"]), str(bad[:1]))
        else:
            counts = {k: sum(arm[k] for arm in jt["counts_by_arm"].values()) for k in ["improved", "unchanged", "deteriorated"]}
            check(f"agreement {name}: JT categories counted over {sum(counts.values())} pairs",
                  all(rc[k] == v for k, v in counts.items()), f"{counts} vs {rc}")
        # Mixed ANOVA (pingouin).
        a = m["anova"]["result"]
        names = {"arm": a["between"], "time": a["within"], "arm:time": a["interaction"]}
        bad = []
        for key, e in r["mixed_anova"]["effects"].items():
            t = names[key]
            for mine_f, ref_f, is_p in [("ss", "ss", False), ("df1", "df1", False), ("df2", "df2", False),
                                        ("ms", "ms", False), ("f", "f", False), ("p", "p", True),
                                        ("partialEtaSquared", "partial_eta_sq", False)]:
                if not close(t[mine_f], e[ref_f], is_p):
                    bad.append((key, mine_f, t[mine_f], e[ref_f]))
        check(f"agreement {name}: mixed ANOVA Type {r['mixed_anova']['type']} against pingouin (N = {a['n']})",
              not bad and a["n"] == r["mixed_anova"]["n_complete"], str(bad[:2]))
    # Drop-out: every participant drops out of every measure together, so one table serves all.
    d, rd = mine["dropout"], ref["measures"][dropout_measure]["dropout"]
    ok = [(x["arm"], x["baseline"], x["droppedOut"]) for x in sorted(d["arms"], key=lambda x: x["arm"])] == \
        [(x["arm"], x["n_baseline"], x["n_dropped"]) for x in rd["by_arm"]] \
        and close(d["chiSquare"]["statistic"], rd["chi2"]) and close(d["chiSquare"]["p"], rd["p"], True)
    check(f"agreement {label}drop-out counts and χ² by arm", ok, f"{d} vs {rd}")


def run_checks(tend, tmp, check):
    data = os.path.join(tmp, "agreement.csv")
    generate(data)
    common = ["--pre", "pre", "--post", "post", "--reliability", "criticism=0.8", "--better", "criticism=lower",
              "--reliability", "kindness=0.75", "--better", "kindness=higher"]
    p = subprocess.run([tend, "analyse", data, "--type", "2", "--format", "json", "--participants", *common],
                       capture_output=True, text=True)
    if p.returncode != 0:
        check("tend analyse on generated data", False, p.stderr)
        return
    compare(json.loads(p.stdout), reference(data, common, tmp), check, "", "kindness")


def run_large_checks(tend, tmp, check, participants=250_000):
    """The benchmark's file and options at a quarter of its size (2.5 M rows): what a large table takes (two
    threads reading, sums by group in blocks, the categories counted) against the same reference."""
    root = os.path.dirname(HERE)
    data = os.path.join(tmp, "large.csv")
    subprocess.run([sys.executable, os.path.join(root, "Benchmarks", "generate_scores.py"),
                    "--participants", str(participants), "--out", data], check=True)
    options = subprocess.run(["bash", "-c", 'source Benchmarks/analyse-options.sh && printf "%s\\n" "${opts[@]}"'],
                             capture_output=True, text=True, cwd=root, check=True).stdout.split("\n")[:-1]
    p = subprocess.run([tend, "analyse", data, *options, "--format", "json"], capture_output=True, text=True)
    if p.returncode != 0:
        check("tend analyse on the large generated file", False, p.stderr)
        return
    mine = json.loads(p.stdout)
    check(f"large file: {mine['input']['rows']} rows of {mine['input']['participants']} participants read",
          mine["input"]["participants"] == participants and mine["input"]["rows"] == participants * 10, str(mine["input"]))
    compare(mine, reference(data, options, tmp), check, "large file ", "pseq.total")
