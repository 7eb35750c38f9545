import Foundation
import Testing
@testable import TendCore

/// `ttest.json` (R `t.test`, scipy `ttest_ind`, R `lm` for the ANOVA-pooled LSD contrasts) and
/// `effectsize.json` (numpy, scipy `ttest_1samp`, pingouin `compute_effsize`).
@Suite("Reference vectors: mean differences and paired effect sizes")
struct ReferenceVectorMeanDifferenceTests {
    static let levels: [(Double, String)] = [(0.80, "ci80"), (0.95, "ci95")]

    @Test("two-sample pooled and Welch t (R t.test, scipy) and ANOVA-pooled LSD contrasts (R lm)",
          arguments: ReferenceVectors.cases("ttest"))
    func meanDifference(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let e = c.expected
        switch c.input["kind"].string {
        case "two_sample":
            let x = try #require(c.input["x"].doubles), y = try #require(c.input["y"].doubles)
            for (variance, key) in [(MeanDifferenceVariance.pooledTwoArms, "pooled"), (.welch, "welch")] {
                for (level, ci) in Self.levels {
                    let r = try MeanDifference.twoSample(x, y, level: level, variance: variance)
                    check.statistics([r.lower, r.upper], e[key][ci], "\(key).\(ci)")
                    check.statistics([r.lower, r.upper], e["\(key)_scipy"][ci], "\(key)_scipy.\(ci)")
                    guard level == 0.95 else { continue }
                    check.statistic(r.t, e[key]["t"], "\(key).t")
                    check.statistic(r.df, e[key]["df"], "\(key).df")
                    check.pValue(r.p, e[key]["p"], "\(key).p")
                    check.statistic(r.se, e[key]["se"], "\(key).se")
                    check.statistic(r.t, e["\(key)_scipy"]["t"], "\(key)_scipy.t")
                    check.statistic(r.df, e["\(key)_scipy"]["df"], "\(key)_scipy.df")
                    check.pValue(r.p, e["\(key)_scipy"]["p"], "\(key)_scipy.p")
                    check.statistic(r.difference, e["difference"], "difference (\(key))")
                    check.exact(r.nA, e["n1"].int, "n1 (\(key))")
                    check.exact(r.nB, e["n2"].int, "n2 (\(key))")
                    check.statistic(r.meanA, e["mean1"], "mean1 (\(key))")
                    check.statistic(r.meanB, e["mean2"], "mean2 (\(key))")
                    check.statistic(r.sdA, e["sd1"], "sd1 (\(key))")
                    check.statistic(r.sdB, e["sd2"], "sd2 (\(key))")
                }
            }
        case "anova_pooled":
            let groups = try #require(c.input["groups"].array)
            let labels = try groups.map { try #require($0["label"].string) }
            let values = try groups.map { try #require($0["values"].doubles) }
            let anova = try OneWayANOVA.test(groups: values)
            check.statistic(anova.msWithin, e["ms_within"], "ms_within")
            check.statistic(anova.dfWithin, e["df_within"], "df_within")
            check.statistic(anova.f, e["anova_f"], "anova_f")
            check.pValue(anova.p, e["anova_p"], "anova_p")
            let pairs = try #require(e["pairs"].array)
            var expectedPairs = 0
            for i in labels.indices {
                for j in labels.indices where j > i {
                    let pair = try #require(pairs.first { $0["arm1"].string == labels[i] && $0["arm2"].string == labels[j] },
                                            "\(c.testDescription): no pair \(labels[i]) − \(labels[j])")
                    expectedPairs += 1
                    let f = "pairs[\(labels[i]) − \(labels[j])]"
                    let variance = MeanDifferenceVariance.pooledAllArms(msWithin: anova.msWithin, df: anova.dfWithin)
                    for (level, ci) in Self.levels {
                        let r = try MeanDifference.twoSample(values[i], values[j], level: level, variance: variance)
                        check.statistics([r.lower, r.upper], pair[ci], "\(f).\(ci)")
                        guard level == 0.95 else { continue }
                        check.statistic(r.difference, pair["difference"], "\(f).difference")
                        check.statistic(r.se, pair["se"], "\(f).se")
                        check.statistic(r.t, pair["t"], "\(f).t")
                        check.statistic(r.df, pair["df"], "\(f).df")
                        check.pValue(r.p, pair["p"], "\(f).p")
                    }
                }
            }
            check.exact(pairs.count, expectedPairs, "number of pairs")
        default:
            Issue.record("\(c.testDescription): unknown input.kind \(c.input["kind"])")
        }
    }

    @Test("pre–post effect sizes (d_z, d_av, d_rm, exact Hedges J) and the CI of the mean change",
          arguments: ReferenceVectors.cases("effectsize"))
    func pairedEffectSize(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let e = c.expected
        let pre = try #require(c.input["pre"].doubles), post = try #require(c.input["post"].doubles)
        let r = try PairedEffectSize.compute(pre: pre, post: post)

        check.exact(r.n, e["n"].int, "n")
        check.statistic(r.meanPre, e["mean_pre"], "mean_pre")
        check.statistic(r.meanPost, e["mean_post"], "mean_post")
        check.statistic(r.sdPre, e["sd_pre"], "sd_pre")
        check.statistic(r.sdPost, e["sd_post"], "sd_post")
        check.statistic(r.meanChange, e["mean_change"], "mean_change")
        check.statistic(r.sdChange, e["sd_change"], "sd_change")
        check.statistic(r.r, e["r"], "r")
        check.statistic(r.dz, e["d_z"], "d_z")
        check.statistic(r.dz, e["pingouin_cohen_dz"], "pingouin_cohen_dz")
        check.statistic(r.dAv, e["d_av"], "d_av")
        check.statistic(r.dAvRMS, e["d_av_rms"], "d_av_rms")
        check.statistic(r.dAvRMS, e["pingouin_cohen"], "pingouin_cohen")
        check.statistic(r.dRM, e["d_rm"], "d_rm")
        check.statistic(Double(r.n - 1), e["hedges_df"], "hedges_df")
        check.statistic(r.hedgesJ, e["hedges_j_exact"], "hedges_j_exact")
        check.statistic(r.gz, e["g_z"], "g_z")
        check.statistic(r.gAv, e["g_av"], "g_av")

        // The mean change with its t interval and one-sample t test (scipy ttest_1samp).
        let change = zip(pre, post).map { $1 - $0 }
        let ci95 = MeanInterval.oneSample(change, level: 0.95)
        let ci80 = MeanInterval.oneSample(change, level: 0.80)
        check.statistics([ci95.lower, ci95.upper], e["mean_change_ci95"], "mean_change_ci95")
        check.statistics([ci80.lower, ci80.upper], e["mean_change_ci80"], "mean_change_ci80")
        let t = ci95.mean / ci95.se
        check.statistic(t, e["t"], "t")
        check.pValue(StudentT.twoSidedP(t, df: ci95.df), e["p"], "p")
    }
}
