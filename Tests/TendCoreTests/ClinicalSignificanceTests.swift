import Foundation
import Testing
@testable import TendCore

/// Expected values from /work/shared/reference/statistics.md §1.6, §1.6b and §2.2 unless a comment says otherwise.
@Suite("ClinicalSignificance")
struct ClinicalSignificanceTests {
    typealias Ref = RCIReference

    // MARK: Cut-offs (Jacobson & Truax 1991)

    @Test("worked example cut-offs a, b, c")
    func workedExampleCutoffs() throws {
        let norms = ClinicalNorms(clinicalMean: 27.5, clinicalSD: 5.104464277037851, functionalMean: 10, functionalSD: 5)
        let cut = ClinicalSignificance.cutoffs(norms: norms, direction: .lowerIsBetter)
        #expect(matchesPrinted(cut.a, 17.291071, decimals: 6))
        // b uses the functional SD (JT 1991): 10 + 2·5 = 20; the package's clinical-SD variant would give 20.208929.
        #expect(matchesPrinted(try #require(cut.b), 20.000000, decimals: 6))
        #expect(matchesPrinted(try #require(cut.c), 18.659539, decimals: 6))
        #expect(cut.value(for: .a) == cut.a && cut.value(for: .b) == cut.b && cut.value(for: .c) == cut.c)
    }

    @Test("claus_2020 cut-offs from the sample's pre scores")
    func clausCutoffs() throws {
        let rc = try ReliableChange.compute(
            pre: Ref.clausPre, post: Ref.clausPost, reliability: 0.8, direction: .lowerIsBetter)
        let norms = ClinicalNorms(clinicalMean: rc.meanPre, clinicalSD: rc.sdPre, functionalMean: 8, functionalSD: 8)
        let cut = ClinicalSignificance.cutoffs(norms: norms, direction: .lowerIsBetter)
        #expect(relativelyClose(cut.a, 18.1697574127))
        #expect(relativelyClose(try #require(cut.b), 24))
        #expect(relativelyClose(try #require(cut.c), 19.8869980761))
    }

    @Test("higher is better mirrors a and b; c does not depend on direction")
    func higherIsBetterCutoffs() throws {
        // Hand values: a = 20 + 2·4 = 28, b = 40 − 2·5 = 30, c = (4·40 + 5·20)/9 = 260/9.
        let norms = ClinicalNorms(clinicalMean: 20, clinicalSD: 4, functionalMean: 40, functionalSD: 5)
        let cut = ClinicalSignificance.cutoffs(norms: norms, direction: .higherIsBetter)
        #expect(cut.a == 28)
        #expect(cut.b == 30)
        #expect(abs(try #require(cut.c) - 260.0 / 9) < 1e-12)
    }

    @Test("without functional norms only a exists")
    func cutoffAOnly() {
        let cut = ClinicalSignificance.cutoffs(
            norms: ClinicalNorms(clinicalMean: 30, clinicalSD: 6, functionalMean: 10), direction: .lowerIsBetter)
        #expect(cut == ClinicalCutoffs(a: 18, b: nil, c: nil))
        #expect(cut.value(for: .c) == nil)
    }

    @Test("direction implied by the norms")
    func directionImpliedByNorms() {
        #expect(ClinicalSignificance.direction(impliedBy: .init(clinicalMean: 27.5, clinicalSD: 5, functionalMean: 10))
            == .lowerIsBetter)
        #expect(ClinicalSignificance.direction(impliedBy: .init(clinicalMean: 20, clinicalSD: 4, functionalMean: 40))
            == .higherIsBetter)
        #expect(ClinicalSignificance.direction(impliedBy: .init(clinicalMean: 20, clinicalSD: 4)) == nil)
        #expect(ClinicalSignificance.direction(impliedBy: .init(clinicalMean: 20, clinicalSD: 4, functionalMean: 20)) == nil)
    }

    // MARK: Combined categories (§1.5)

    @Test("worked example: JT + cut-off c categories")
    func workedExampleCombined() throws {
        let rc = try ReliableChange.compute(pre: Ref.pre, post: Ref.post, reliability: 0.85, direction: .lowerIsBetter)
        let cut = ClinicalSignificance.cutoffs(
            norms: ClinicalNorms(clinicalMean: rc.meanPre, clinicalSD: rc.sdPre, functionalMean: 10, functionalSD: 5),
            direction: .lowerIsBetter)
        let categories = ClinicalSignificance.combined(
            pre: Ref.pre, post: Ref.post, reliableChange: rc, cutoff: try #require(cut.c), direction: .lowerIsBetter)
        #expect(categories == [.recovered, .unchanged, .unchanged, .improved, .deteriorated,
                               .recovered, .unchanged, .recovered, .unchanged, .improved])
    }

    static let clausCombined: [(ReliableChangeMethod, CombinedCounts)] = [
        (.jacobsonTruax, .init(recovered: 26, improved: 3, unchanged: 10, deteriorated: 1, harmed: 0)),
        (.gulliksenLordNovick, .init(recovered: 26, improved: 3, unchanged: 10, deteriorated: 1, harmed: 0)),
        (.hsuLinnLord, .init(recovered: 12, improved: 0, unchanged: 16, deteriorated: 11, harmed: 1)),
        (.edwardsNunnally, .init(recovered: 26, improved: 6, unchanged: 5, deteriorated: 3, harmed: 0)),
    ]

    @Test("claus_2020 combined counts with cut-off c equal the package snapshots", arguments: clausCombined)
    func clausCombinedCounts(method: ReliableChangeMethod, expected: CombinedCounts) throws {
        let rc = try ReliableChange.compute(
            pre: Ref.clausPre, post: Ref.clausPost, reliability: 0.8, direction: .lowerIsBetter, method: method)
        let c = try #require(ClinicalSignificance.cutoffs(
            norms: ClinicalNorms(clinicalMean: rc.meanPre, clinicalSD: rc.sdPre, functionalMean: 8, functionalSD: 8),
            direction: .lowerIsBetter).c)
        let categories = ClinicalSignificance.combined(
            pre: Ref.clausPre, post: Ref.clausPost, reliableChange: rc, cutoff: c, direction: .lowerIsBetter)
        #expect(CombinedCounts(categories: categories) == expected)
    }

    @Test("combined uses the complete pairs when given the original arrays")
    func combinedWithMissing() throws {
        var pre = Ref.pre, post = Ref.post
        pre.insert(40, at: 0); post.insert(.nan, at: 0)
        let rc = try ReliableChange.compute(pre: pre, post: post, reliability: 0.85, direction: .lowerIsBetter)
        let categories = ClinicalSignificance.combined(
            pre: pre, post: post, reliableChange: rc, cutoff: 18.659539, direction: .lowerIsBetter)
        #expect(categories == [.recovered, .unchanged, .unchanged, .improved, .deteriorated,
                               .recovered, .unchanged, .recovered, .unchanged, .improved])
    }

    @Test("harmed: reliable deterioration from the functional side into the dysfunctional range")
    func harmed() throws {
        // Hand-built, lower is better, cut-off 10. P1 5→15 crosses into the clinical range (harmed);
        // P2 3→9 deteriorates but stays functional; P3 10→16 starts on the cut-off (not clinical) → harmed;
        // P4 20→2 recovered; P5 8→2 improved without crossing (already functional); P6 20→10 ends on the
        // cut-off, which is not functional → improved, not recovered.
        let pre: [Double] = [5, 3, 10, 20, 8, 20]
        let post: [Double] = [15, 9, 16, 2, 2, 10]
        let rc = try ReliableChange.compute(pre: pre, post: post, reliability: 0.95, direction: .lowerIsBetter)
        // Every |change| ≥ 6 exceeds cv·S_diff = 1.96·√54.4·√0.05·√2 ≈ 4.57 (sample variance of pre = 54.4).
        #expect(rc.categories == [.deteriorated, .deteriorated, .deteriorated, .improved, .improved, .improved])
        let categories = ClinicalSignificance.combined(
            pre: pre, post: post, reliableChange: rc, cutoff: 10, direction: .lowerIsBetter)
        #expect(categories == [.harmed, .deteriorated, .harmed, .recovered, .improved, .improved])
    }

    // MARK: clinsig 3 × 3 table (§2.2)

    @Test("clinsig threshold is 1.96·S_diff, not cv·S_diff")
    func clinsigThreshold() throws {
        #expect(matchesPrinted(
            ClinicalSignificance.clinsigThreshold(sd: 5.104464277037851, reliability: 0.85), 5.479827, decimals: 6))
        let rc = try ReliableChange.compute(
            pre: Ref.clausPre, post: Ref.clausPost, reliability: 0.8, direction: .lowerIsBetter)
        #expect(relativelyClose(ClinicalSignificance.clinsigThreshold(sd: rc.sdPre, reliability: 0.8), 4.1404572521))
        #expect(relativelyClose(rc.jtBandHalfWidth, 4.1403811703))
    }

    @Test("worked example clinsig table (criterion c)")
    func workedExampleClinsig() {
        let table = ClinicalSignificance.clinsigTable(
            pre: Ref.pre, post: Ref.post, cutoff: 18.659539,
            reliableChangeThreshold: ClinicalSignificance.clinsigThreshold(sd: 5.104464277037851, reliability: 0.85),
            direction: .lowerIsBetter)
        #expect(table.count(.notSignificant, .deterioration) == 1)
        #expect(table.count(.notSignificant, .improvement) == 1)
        #expect(table.count(.notSignificant, .noChange) == 4)
        #expect(table.count(.okayAtBaseline, .deterioration) == 0)
        #expect(table.count(.okayAtBaseline, .improvement) == 1)
        #expect(table.count(.okayAtBaseline, .noChange) == 0)
        #expect(table.count(.significantChange, .deterioration) == 0)
        #expect(table.count(.significantChange, .improvement) == 3)
        #expect(table.count(.significantChange, .noChange) == 0)
        #expect(table.cells.count == 9)
        // P5 | P4 | P2, P3, P7, P9 | P10 | P1, P6, P8
        typealias P = ClinsigTable.Placement
        #expect(table.placements == [
            P(row: .significantChange, column: .improvement), P(row: .notSignificant, column: .noChange),
            P(row: .notSignificant, column: .noChange), P(row: .notSignificant, column: .improvement),
            P(row: .notSignificant, column: .deterioration), P(row: .significantChange, column: .improvement),
            P(row: .notSignificant, column: .noChange), P(row: .significantChange, column: .improvement),
            P(row: .notSignificant, column: .noChange), P(row: .okayAtBaseline, column: .improvement),
        ])
        #expect(table.recovered == 3)
        #expect(table.deterioratedIntoClinicalRange == 0)
        #expect(table.nUsed == 10 && table.pairIndices == Array(0..<10))
    }

    /// Rows Not significant / Okay at baseline / Significant change; columns Deterioration / Improvement / No change.
    static let clausTables: [(ClinicalCutoffCriterion, [[Int]])] = [
        (.c, [[1, 3, 8], [0, 0, 2], [0, 26, 0]]),
        (.a, [[1, 3, 8], [0, 0, 2], [0, 26, 0]]),
        (.b, [[1, 2, 4], [0, 8, 4], [0, 19, 2]]),
    ]

    @Test("claus_2020 clinsig tables (R clinsig run in R 4.2.2)", arguments: clausTables)
    func clausClinsig(criterion: ClinicalCutoffCriterion, expected: [[Int]]) throws {
        let rc = try ReliableChange.compute(
            pre: Ref.clausPre, post: Ref.clausPost, reliability: 0.8, direction: .lowerIsBetter)
        let cut = ClinicalSignificance.cutoffs(
            norms: ClinicalNorms(clinicalMean: rc.meanPre, clinicalSD: rc.sdPre, functionalMean: 8, functionalSD: 8),
            direction: .lowerIsBetter)
        let table = ClinicalSignificance.clinsigTable(
            pre: Ref.clausPre, post: Ref.clausPost, cutoff: try #require(cut.value(for: criterion)),
            reliableChangeThreshold: ClinicalSignificance.clinsigThreshold(sd: rc.sdPre, reliability: 0.8),
            direction: .lowerIsBetter)
        for (i, row) in ClinsigTable.Row.allCases.enumerated() {
            for (j, column) in ClinsigTable.Column.allCases.enumerated() {
                #expect(table.count(row, column) == expected[i][j], "\(criterion): \(row) × \(column)")
            }
        }
        #expect(table.recovered == expected[2][1])
        #expect(table.nUsed == 40)
        #expect(ClinsigTable.Row.allCases.map { table.total(row: $0) }.reduce(0, +) == 40)
    }

    @Test("clinsig placement: ties, the baseline override and deterioration into the clinical range")
    func clinsigPlacementRules() {
        // Hand-built from the §2.2 rules; lower is better, cut-off 10, RC 3.
        let pre: [Double] = [5, 5, 10, 12, 12, 9, 20, .nan]
        let post: [Double] = [15, 9.9, 4, 9, 12, 14, 17, 3]
        let table = ClinicalSignificance.clinsigTable(
            pre: pre, post: post, cutoff: 10, reliableChangeThreshold: 3, direction: .lowerIsBetter)
        typealias P = ClinsigTable.Placement
        #expect(table.placements == [
            P(row: .okayAtBaseline, column: .deterioration),   // 5 → 15: functional start, ends clinical
            P(row: .okayAtBaseline, column: .deterioration),   // 5 → 9.9: |Δ| 4.9 > 3, still functional
            P(row: .significantChange, column: .improvement),  // pre on the cut-off counts as dysfunctional
            P(row: .significantChange, column: .noChange),     // crossed, |Δ| = 3 is not > 3
            P(row: .notSignificant, column: .noChange),
            P(row: .okayAtBaseline, column: .deterioration),   // 9 → 14 (post on the clinical side)
            P(row: .notSignificant, column: .noChange),        // 20 → 17: |Δ| = 3 is not > 3
        ])
        #expect(table.nGiven == 8 && table.nUsed == 7)
        #expect(table.pairIndices == Array(0..<7))
        #expect(table.deterioratedIntoClinicalRange == 2)
        #expect(table.recovered == 1)
        #expect(table.count(.okayAtBaseline, .deterioration) == 3)
        #expect(table.count(.significantChange, .deterioration) == 0)
        #expect(table.total(column: .noChange) == 3)
    }

    @Test("clinsig table for higher is better")
    func clinsigHigherIsBetter() {
        // Hand-built, cut-off 20, RC 5: 10→30 recovered, 25→12 okay × deterioration into clinical, 12→14 none.
        let table = ClinicalSignificance.clinsigTable(
            pre: [10, 25, 12], post: [30, 12, 14], cutoff: 20, reliableChangeThreshold: 5, direction: .higherIsBetter)
        typealias P = ClinsigTable.Placement
        #expect(table.placements == [
            P(row: .significantChange, column: .improvement),
            P(row: .okayAtBaseline, column: .deterioration),
            P(row: .notSignificant, column: .noChange),
        ])
        #expect(table.recovered == 1 && table.deterioratedIntoClinicalRange == 1)
    }

    @Test("an empty table still has nine zero cells and encodes to JSON")
    func emptyTable() throws {
        let table = ClinicalSignificance.clinsigTable(
            pre: [], post: [], cutoff: 10, reliableChangeThreshold: 3, direction: .lowerIsBetter)
        #expect(table.cells.count == 9 && table.cells.allSatisfy { $0.count == 0 })
        let data = try JSONEncoder().encode(table)
        #expect(try JSONDecoder().decode(ClinsigTable.self, from: data) == table)
    }
}
