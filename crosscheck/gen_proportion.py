"""proportion.json: Wilson and Clopper-Pearson intervals for a single proportion."""

from __future__ import annotations

from statsmodels.stats.proportion import proportion_confint

from common import assert_close, libraries, run_r, write_reference


def inputs():
    base = [(38, 47), (69, 103), (4, 19), (0, 10), (10, 10), (47, 103), (47, 69), (0, 13), (15, 19), (9, 47),
            (1, 1), (0, 1), (1, 2), (1, 1000), (999, 1000), (500, 1000), (3, 7), (12, 13), (26, 40)]
    out = []
    for x, n in base:
        out.append((x, n, 0.95))
    for x, n in [(38, 47), (4, 19), (0, 10), (10, 10), (1, 1000)]:
        for level in (0.80, 0.90, 0.99):
            out.append((x, n, level))
    return out


def build():
    items = inputs()
    script = []
    for i, (x, n, level) in enumerate(items):
        script.append(f'out("c{i}_bt", binom.test({x}, {n}, conf.level = {level!r})$conf.int)')
        script.append(f'out("c{i}_pt", suppressWarnings(prop.test({x}, {n}, conf.level = {level!r}, '
                      f'correct = FALSE))$conf.int)')
        script.append(f'out("c{i}_ptcc", suppressWarnings(prop.test({x}, {n}, conf.level = {level!r}))$conf.int)')
    r = run_r("\n".join(script))
    cases = []
    for i, (x, n, level) in enumerate(items):
        alpha = 1 - level
        wl, wu = proportion_confint(x, n, alpha=alpha, method="wilson")
        cl, cu = proportion_confint(x, n, alpha=alpha, method="beta")
        assert_close(f"{x}/{n} wilson vs R", [wl, wu], r[f"c{i}_pt"], rel=1e-9, abs_=1e-15)
        assert_close(f"{x}/{n} CP vs R", [cl, cu], r[f"c{i}_bt"], rel=1e-9, abs_=1e-15)
        cases.append({
            "name": f"{x}/{n} at {level!r}",
            "input": {"x": x, "n": n, "level": level},
            "expected": {
                "proportion": x / n,
                "wilson": [float(wl), float(wu)],
                "clopper_pearson": [float(cl), float(cu)],
                "wilson_r": r[f"c{i}_pt"],
                "clopper_pearson_r": r[f"c{i}_bt"],
                "wilson_continuity_corrected_r": r[f"c{i}_ptcc"],
            },
        })
    sources = {
        "wilson": "statsmodels.stats.proportion.proportion_confint(x, n, alpha=1-level, method='wilson')",
        "clopper_pearson": "statsmodels proportion_confint(..., method='beta')",
        "wilson_r": "R prop.test(x, n, conf.level = level, correct = FALSE)$conf.int",
        "clopper_pearson_r": "R binom.test(x, n, conf.level = level)$conf.int",
        "wilson_continuity_corrected_r": "R prop.test(x, n, conf.level = level)$conf.int (default correct = TRUE; "
                                         "a different interval, recorded so it is not confused with Wilson)",
    }
    return cases, sources


def main(outdir):
    cases, sources = build()
    write_reference(f"{outdir}/proportion.json", "crosscheck/gen_proportion.py",
                    libraries(py=["statsmodels"], r=["stats"]), cases, sources,
                    notes="Intervals are [lower, upper] proportions in [0, 1]. statsmodels and R agree to 1e-9.")
