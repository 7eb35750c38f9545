import Foundation
import Testing
@testable import TendCore

/// `rci.json`: reliable change (JT, GLN, HLL, EN, HA), cut-offs a/b/c, the combined five categories and
/// the `clinsig` 3 × 3 table. The generator is a Python port of R `clinicalsignificance` and R `clinsig`
/// (neither installs on R 4.2.2), checked against the packages' published outputs (statistics.md §1.6,
/// §1.6b, §2.2) before the file is written.
///
/// Not compared: the NK method (TendCore has no Nunnally–Kotsch RCI), `cutoffs.b_package` (the package's
/// clinical-SD b, which Tend deliberately does not follow: statistics.md §2), and the per-participant
/// `clinical_pre` / `functional_post` flags (they enter the combined categories, which are compared).
@Suite("Reference vectors: reliable and clinically significant change")
struct ReferenceVectorClinicalChangeTests {
    static let methods: [(String, ReliableChangeMethod)] = [
        ("JT", .jacobsonTruax), ("GLN", .gulliksenLordNovick), ("HLL", .hsuLinnLord), ("EN", .edwardsNunnally),
        ("HA", .hagemanArrindell),
    ]
    static let combinedMethods: Set<String> = ["JT", "GLN", "HLL", "EN"]
    static let rows: [(String, ClinsigTable.Row)] = [
        ("not_significant", .notSignificant), ("okay_at_baseline", .okayAtBaseline),
        ("significant_change", .significantChange),
    ]
    static let columns: [(String, ClinsigTable.Column)] = [
        ("deteriorate", .deterioration), ("improve", .improvement), ("none", .noChange),
    ]

    @Test("RCI by method, cut-offs, combined categories and the clinsig table", arguments: ReferenceVectors.cases("rci"))
    func clinicalChange(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let e = c.expected
        let input = c.input
        let ids = try #require(input["ids"].strings)
        let pre = try #require(input["pre"].doubles), post = try #require(input["post"].doubles)
        let reliability = try #require(input["reliability"].double)
        let alpha = try #require(input["significance_level"].double)
        let better = try #require(input["better"].string)
        let direction = try #require(Direction(rawValue: better), "input.better \(better)")
        let mFunctional = try #require(input["m_functional"].double)
        let sdFunctional = try #require(input["sd_functional"].double)
        check.exact(direction.sign, e["direction"].double, "direction")

        var results: [String: ReliableChangeResult] = [:]
        for (key, method) in Self.methods {
            let r = try ReliableChange.compute(pre: pre, post: post, reliability: reliability, direction: direction,
                                               method: method, significanceLevel: alpha)
            results[key] = r
            let m = e["methods"][key]
            check.statistic(r.criticalValue, m["critical_value"], "methods.\(key).critical_value")
            check.statistics(r.rci, m["rci"], "methods.\(key).rci")
            check.exactArray(r.categories.map(\.rawValue), m["category"].strings, "methods.\(key).category")
            check.exact(r.counts.improved, m["counts"]["improved"].int, "methods.\(key).counts.improved")
            check.exact(r.counts.unchanged, m["counts"]["unchanged"].int, "methods.\(key).counts.unchanged")
            check.exact(r.counts.deteriorated, m["counts"]["deteriorated"].int, "methods.\(key).counts.deteriorated")
        }

        // Quantities shared by the methods (from the JT run), and HA's own.
        let jt = try #require(results["JT"]), ha = try #require(results["HA"])
        check.exact(jt.nGiven, e["n_original"].int, "n_original")
        check.exact(jt.nUsed, e["n_used"].int, "n_used")
        check.exactArray(jt.pairIndices.map { ids[$0] }, e["ids_used"].strings, "ids_used")
        check.statistic(jt.meanPre, e["m_pre"], "m_pre")
        check.statistic(jt.sdPre, e["sd_pre"], "sd_pre")
        check.statistic(jt.meanPost, e["m_post"], "m_post")
        check.statistic(jt.sdPost, e["sd_post"], "sd_post")
        check.statistic(jt.sem, e["sem"], "sem")
        check.statistic(jt.sDiff, e["s_diff"], "s_diff")
        check.statistic(jt.sep, e["sep"], "sep")
        check.statistic(jt.rPrePost, e["r_pp"], "r_pp")
        check.statistic(jt.criticalValue, e["cv"], "cv")
        check.statistic(ha.criticalValue, e["cv_ha"], "cv_ha")
        check.statistic(ha.reliabilityPost, e["r_xx_post_ha"], "r_xx_post_ha")
        check.statistic(ha.rDD, e["r_dd"], "r_dd")

        // Cut-offs with the analysed sample's pre distribution as the clinical one (statistics.md §1.5).
        let norms = ClinicalNorms(clinicalMean: jt.meanPre, clinicalSD: jt.sdPre, functionalMean: mFunctional,
                                  functionalSD: sdFunctional)
        let cutoffs = ClinicalSignificance.cutoffs(norms: norms, direction: direction)
        check.statistic(cutoffs.a, e["cutoffs"]["a"], "cutoffs.a")
        check.statistic(cutoffs.b, e["cutoffs"]["b"], "cutoffs.b")
        check.statistic(cutoffs.c, e["cutoffs"]["c"], "cutoffs.c")

        for criterion in ClinicalCutoffCriterion.allCases {
            let block = e["combined"][criterion.rawValue]
            let cutoff = try #require(cutoffs.value(for: criterion))
            check.statistic(cutoff, block["cutoff"], "combined.\(criterion.rawValue).cutoff")
            for (key, _) in Self.methods where Self.combinedMethods.contains(key) {
                let categories = ClinicalSignificance.combined(
                    pre: pre, post: post, reliableChange: results[key]!, cutoff: cutoff, direction: direction)
                let m = block["methods"][key]
                let f = "combined.\(criterion.rawValue).methods.\(key)"
                check.exactArray(categories.map(\.rawValue), m["category"].strings, "\(f).category")
                let counts = CombinedCounts(categories: categories)
                check.exact(counts.recovered, m["counts"]["recovered"].int, "\(f).counts.recovered")
                check.exact(counts.improved, m["counts"]["improved"].int, "\(f).counts.improved")
                check.exact(counts.unchanged, m["counts"]["unchanged"].int, "\(f).counts.unchanged")
                check.exact(counts.deteriorated, m["counts"]["deteriorated"].int, "\(f).counts.deteriorated")
                check.exact(counts.harmed, m["counts"]["harmed"].int, "\(f).counts.harmed")
            }
        }

        // clinsig: criteria and RC from ALL non-missing pre scores, direction from the functional mean.
        let cs = e["clinsig"]
        let allPre = pre.filter { !$0.isNaN }
        let dysMean = Descriptive.mean(allPre), dysSD = Descriptive.standardDeviation(allPre)
        check.statistic(dysMean, cs["dys_mct"], "clinsig.dys_mct")
        check.statistic(dysSD, cs["dys_disp"], "clinsig.dys_disp")
        let clinsigNorms = ClinicalNorms(clinicalMean: dysMean, clinicalSD: dysSD, functionalMean: mFunctional,
                                         functionalSD: sdFunctional)
        let clinsigDirection = try #require(ClinicalSignificance.direction(impliedBy: clinsigNorms))
        check.exact(clinsigDirection.sign, cs["dir_effect"].double, "clinsig.dir_effect")
        let multiplier = try #require(cs["rc_mult"].double)
        let rc = ClinicalSignificance.clinsigThreshold(sd: dysSD, reliability: reliability, multiplier: multiplier)
        check.statistic(rc, cs["rc"], "clinsig.rc")
        let criteria = ClinicalSignificance.cutoffs(norms: clinsigNorms, direction: clinsigDirection)
        let expectedColumns = try #require(cs["column"].strings)
        for criterion in ClinicalCutoffCriterion.allCases {
            let block = cs["criteria"][criterion.rawValue]
            let f = "clinsig.criteria.\(criterion.rawValue)"
            let critval = try #require(criteria.value(for: criterion))
            check.statistic(critval, block["criterion"], "\(f).criterion")
            let table = ClinicalSignificance.clinsigTable(
                pre: pre, post: post, cutoff: critval, reliableChangeThreshold: rc, direction: clinsigDirection)
            check.exactArray(table.pairIndices.map { ids[$0] }, e["ids_used"].strings, "\(f) pairs used")
            let rowName = Dictionary(uniqueKeysWithValues: Self.rows.map { ($1, $0) })
            let columnName = Dictionary(uniqueKeysWithValues: Self.columns.map { ($1, $0) })
            check.exactArray(table.placements.map { rowName[$0.row]! }, block["row"].strings, "\(f).row")
            check.exactArray(table.placements.map { columnName[$0.column]! }, expectedColumns, "clinsig.column (\(f))")
            let cells = try #require(block["table"].intMatrix)
            for (i, (rowKey, row)) in Self.rows.enumerated() {
                for (j, (columnKey, column)) in Self.columns.enumerated() {
                    check.exact(table.count(row, column), cells[i][j], "\(f).table[\(rowKey)][\(columnKey)]")
                }
            }
        }
    }
}
