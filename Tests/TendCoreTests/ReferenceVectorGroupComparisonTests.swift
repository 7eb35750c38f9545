import Foundation
import Testing
@testable import TendCore

/// `shapiro.json` (R `shapiro.test`, scipy `shapiro`), `levene.json` (R `car::leveneTest`, scipy `levene`)
/// and `kruskal.json` (R `kruskal.test`, scipy `kruskal`, ranks from scipy `rankdata`).
@Suite("Reference vectors: Shapiro–Wilk, Levene / Brown–Forsythe, Kruskal–Wallis")
struct ReferenceVectorGroupComparisonTests {
    /// statistics.md §7.1: R `shapiro.test` is the oracle (1e-12); scipy uses approximate normal routines
    /// and differs from R by up to ~1e-7, so it is held to 1e-6 absolute.
    @Test("Shapiro–Wilk W and p: R at 1e-12, scipy at 1e-6", arguments: ReferenceVectors.cases("shapiro"))
    func shapiroWilk(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let e = c.expected
        let x = try #require(c.input["x"].doubles)
        let r = try ShapiroWilk.test(x)
        check.exact(r.n, e["n"].int, "n")
        check.absolute(r.w, e["w"], "w (R)", tolerance: 1e-12)
        check.absolute(r.p, e["p"], "p (R)", tolerance: 1e-12)
        check.absolute(r.w, e["w_scipy"], "w_scipy", tolerance: 1e-6)
        check.absolute(r.p, e["p_scipy"], "p_scipy", tolerance: 1e-6)
    }

    @Test("Levene (mean) and Brown–Forsythe (median): F, df, p", arguments: ReferenceVectors.cases("levene"))
    func levene(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let groups = try #require(c.input["groups"].matrix)
        for center in [LeveneCenter.mean, .median] {
            let e = c.expected[center.rawValue]
            let r = try LeveneTest.test(groups: groups, center: center)
            let f = center.rawValue
            check.exact(r.center.rawValue, center.rawValue, "\(f).center")
            check.statistic(r.statistic, e["f"], "\(f).f")
            check.statistic(r.df1, e["df1"], "\(f).df1")
            check.statistic(r.df2, e["df2"], "\(f).df2")
            check.pValue(r.p, e["p"], "\(f).p")
            check.statistic(r.statistic, e["f_scipy"], "\(f).f_scipy")
            check.pValue(r.p, e["p_scipy"], "\(f).p_scipy")
        }
    }

    @Test("Kruskal–Wallis H (tie-corrected and not), df, p, rank sums and mean ranks",
          arguments: ReferenceVectors.cases("kruskal"))
    func kruskalWallis(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let e = c.expected
        let groups = try #require(c.input["groups"].matrix)
        let r = try KruskalWallis.test(groups: groups)
        check.statistic(r.hCorrected, e["h"], "h")
        check.statistic(r.df, e["df"], "df")
        check.pValue(r.p, e["p"], "p")
        check.statistic(r.h, e["h_uncorrected"], "h_uncorrected")
        check.statistic(r.tieCorrection, e["tie_correction"], "tie_correction")
        check.statistics(r.meanRanks, e["mean_ranks"], "mean_ranks")
        check.statistics(zip(r.meanRanks, groups).map { $0 * Double($1.count) }, e["rank_sums"], "rank_sums")
        check.statistic(r.hCorrected, e["h_scipy"], "h_scipy")
        check.pValue(r.p, e["p_scipy"], "p_scipy")
    }
}
