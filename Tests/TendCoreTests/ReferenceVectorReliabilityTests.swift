import Foundation
import Testing
@testable import TendCore

/// `alpha.json` (R psych::alpha, pingouin.cronbach_alpha, Feldt bounds from scipy) and `kappa.json`
/// (statsmodels `cohens_kappa`).
@Suite("Reference vectors: Cronbach's alpha and Cohen's kappa")
struct ReferenceVectorReliabilityTests {
    @Test("Cronbach's alpha, Feldt interval, standardised alpha, alpha if item deleted",
          arguments: ReferenceVectors.cases("alpha"))
    func cronbachAlpha(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let e = c.expected
        let items = try #require(c.input["items"].matrix, "\(c.testDescription) input.items")
        let level = try #require(c.input["level"].double)
        let r95 = try CronbachAlpha.compute(items: items, level: level)
        let r90 = try CronbachAlpha.compute(items: items, level: 0.90)

        check.exact(r95.n, e["n"].int, "n")
        check.exact(r95.k, e["k"].int, "k")
        check.statistic(r95.alpha, e["alpha"], "alpha")
        check.statistic(r95.alpha, e["pingouin_alpha"], "pingouin_alpha")
        check.statistics([r95.lower, r95.upper], e["feldt_ci95"], "feldt_ci95")
        check.statistics([r95.lower, r95.upper], e["psych_feldt_ci95"], "psych_feldt_ci95")
        check.statistics([r90.lower, r90.upper], e["feldt_ci90"], "feldt_ci90")
        check.statistic(r95.standardizedAlpha, e["std_alpha"], "std_alpha")
        if e["alpha_if_deleted"].isNull {
            check.exact(r95.alphaIfItemDeleted == nil, true, "alpha_if_deleted is null (k = 2)")
        } else {
            check.statistics(r95.alphaIfItemDeleted, e["alpha_if_deleted"], "alpha_if_deleted")
        }
        // pingouin prints the Feldt bounds rounded to 3 decimals: TendCore's rounded bounds must match.
        let rounded = try #require(e["pingouin_ci95_rounded"].doubles)
        check.exact(((r95.lower * 1000).rounded() / 1000).description, rounded[0].description,
                    "pingouin_ci95_rounded[0]")
        check.exact(((r95.upper * 1000).rounded() / 1000).description, rounded[1].description,
                    "pingouin_ci95_rounded[1]")
    }

    @Test("Cohen's kappa with Fleiss–Cohen–Everitt SE, CI, SE under H0 and z test",
          arguments: ReferenceVectors.cases("kappa"))
    func cohenKappa(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let e = c.expected
        let table = try #require(c.input["table"].intMatrix, "\(c.testDescription) input.table")
        let level = try #require(c.input["level"].double)
        let r = try CohenKappa.compute(table: table, level: level)

        check.exact(r.n, e["n"].int, "n")
        check.statistic(r.po, e["p_o"], "p_o")
        check.statistic(r.pe, e["p_e"], "p_e")
        check.statistic(r.kappa, e["kappa"], "kappa")
        check.statistic(r.se, e["se"], "se")
        check.statistics([r.lower, r.upper], e["ci95"], "ci95")
        check.statistic(r.se0, e["se0"], "se0")
        check.statistic(r.z, e["z"], "z")
        check.pValue(r.p, e["p_two_sided"], "p_two_sided")
    }
}
