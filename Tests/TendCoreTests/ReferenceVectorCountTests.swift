import Foundation
import Testing
@testable import TendCore

/// `contingency.json` (R `chisq.test`, `fisher.test`; scipy `chi2_contingency`, `fisher_exact`) and
/// `proportion.json` (statsmodels `proportion_confint`, R `prop.test(correct = FALSE)`, `binom.test`).
@Suite("Reference vectors: contingency tables and proportions")
struct ReferenceVectorCountTests {
    @Test("Pearson χ², Yates (2 × 2), expected counts, Fisher / Freeman–Halton exact p",
          arguments: ReferenceVectors.cases("contingency"))
    func contingency(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let e = c.expected
        let table = try #require(c.input["table"].intMatrix)
        let pearson = try ChiSquareTest.pearson(table: table)
        check.exact(pearson.n, e["n"].int, "n")
        check.statistic(pearson.df, e["df"], "df")
        check.statistic(pearson.statistic, e["pearson_chi2"], "pearson_chi2")
        check.pValue(pearson.p, e["pearson_p"], "pearson_p")
        check.exact(pearson.yatesApplied, false, "Yates not applied when not requested")
        let expectedCounts = try #require(e["expected"].array)
        check.exact(pearson.expected.count, expectedCounts.count, "expected (rows)")
        for (i, row) in pearson.expected.enumerated() where i < expectedCounts.count {
            check.statistics(row, expectedCounts[i], "expected[\(i)]")
        }
        check.statistic(pearson.smallestExpected, e["min_expected"], "min_expected")

        if e["yates_chi2"].isNull {
            let y = try ChiSquareTest.pearson(table: table, yatesCorrection: true)
            check.exact(y.yatesApplied, false, "yates_chi2 is null (not 2 × 2): correction not applied")
        } else {
            let y = try ChiSquareTest.pearson(table: table, yatesCorrection: true)
            check.exact(y.yatesApplied, true, "Yates applied (2 × 2)")
            check.statistic(y.statistic, e["yates_chi2"], "yates_chi2")
            check.pValue(y.p, e["yates_p"], "yates_p")
        }

        // 3x4_moderate (N = 121) has 18,850,048 tables with its margins, above the default budget of ten
        // million; R's network algorithm does not enumerate them all, TendCore does.
        let fisher = try FisherExactTest.twoSided(table: table, maxTables: 25_000_000)
        check.pValue(fisher.p, e["fisher_p"], "fisher_p")
        if !e["fisher_p_scipy"].isNull { check.pValue(fisher.p, e["fisher_p_scipy"], "fisher_p_scipy") }
    }

    @Test("Wilson and Clopper–Pearson intervals (statsmodels and R)", arguments: ReferenceVectors.cases("proportion"))
    func proportion(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let e = c.expected
        let x = try #require(c.input["x"].int), n = try #require(c.input["n"].int)
        let level = try #require(c.input["level"].double)
        let wilson = ProportionInterval.wilson(successes: x, trials: n, level: level)
        let cp = ProportionInterval.clopperPearson(successes: x, trials: n, level: level)
        check.statistic(wilson.estimate, e["proportion"], "proportion")
        check.statistics([wilson.lower, wilson.upper], e["wilson"], "wilson")
        check.statistics([wilson.lower, wilson.upper], e["wilson_r"], "wilson_r")
        check.statistics([cp.lower, cp.upper], e["clopper_pearson"], "clopper_pearson")
        check.statistics([cp.lower, cp.upper], e["clopper_pearson_r"], "clopper_pearson_r")
    }
}
