import Foundation
import Testing
@testable import TendCore

/// Relative closeness for statistics (1e−9 unless stated).
private func close(_ a: Double, _ b: Double, rel: Double = 1e-9) -> Bool {
    abs(a - b) <= rel * max(abs(b), Double.leastNormalMagnitude)
}

/// Absolute closeness for p-values.
private func closeP(_ a: Double, _ b: Double, abs tolerance: Double = 1e-9) -> Bool {
    abs(a - b) <= tolerance
}

@Suite("Contingency tables: Pearson χ² and Fisher/Freeman–Halton exact tests")
struct ContingencyTests {
    // Seed paper table (drop-outs, completers − drop-outs), N = 38: statistics.md §11.1 gives
    // χ² 2.616719, p .270263, Freeman–Halton 0.276490. Full precision from R 4.2.2:
    // chisq.test(matrix(c(4,1,4,11,11,7),3)) and fisher.test(...)$p.value.
    let seed38 = [[4, 11], [1, 11], [4, 7]]
    // The table consistent with the paper's flow, N = 47 (§6, §11.1): χ² 1.694153, p .428666,
    // Freeman–Halton 0.522106. Full precision: R chisq.test / fisher.test on matrix(c(4,1,4,15,12,11),3).
    let flow47 = [[15, 4], [12, 1], [11, 4]]

    @Test("Seed χ² on the N = 38 table reproduces the published 2.62, p = .270")
    func seedChiSquare() throws {
        let r = try ChiSquareTest.pearson(table: seed38)
        #expect(close(r.statistic, 2.6167189132706379))
        #expect(closeP(r.p, 0.2702630711809787))
        #expect(r.df == 2)
        #expect(r.n == 38)
        #expect(!r.yatesApplied)
        // R chisq.test(...)$expected
        let expected = [[3.5526315789473686, 11.4473684210526319],
                        [2.8421052631578947, 9.1578947368421044],
                        [2.6052631578947367, 8.3947368421052637]]
        for i in 0..<3 { for j in 0..<2 { #expect(close(r.expected[i][j], expected[i][j])) } }
        #expect(close(r.smallestExpected, 2.6052631578947367))
        #expect(r.cellsWithExpectedBelow5 == 3)
        #expect(r.droppedRows.isEmpty && r.droppedColumns.isEmpty)
        // Printed digits of statistics.md.
        #expect((r.statistic * 1e6).rounded() / 1e6 == 2.616719)
        #expect((r.p * 1e6).rounded() / 1e6 == 0.270263)
    }

    @Test("Freeman–Halton exact p on the N = 38 table enumerates all 55 tables")
    func seedFreemanHalton() throws {
        let r = try FisherExactTest.twoSided(table: seed38)
        #expect(closeP(r.p, 0.27649022486983088))
        #expect((r.p * 1e6).rounded() / 1e6 == 0.276490)
        #expect(r.method == "Freeman–Halton r×c")
        #expect(r.tablesEnumerated == 55)
        #expect(r.conditionalMLEOddsRatio == nil)
    }

    @Test("N = 47 flow table: χ² and Freeman–Halton")
    func flowTable() throws {
        let chi = try ChiSquareTest.pearson(table: flow47)
        #expect(close(chi.statistic, 1.6941528359810909))
        #expect(closeP(chi.p, 0.42866634296435807))
        let fisher = try FisherExactTest.twoSided(table: flow47)
        #expect(closeP(fisher.p, 0.52210595266617965))
        #expect((fisher.p * 1e6).rounded() / 1e6 == 0.522106)
    }

    /// 2 × 2 tables of statistics.md §6 and §11.3 (second pass). Full precision from R 4.2.2:
    /// chisq.test(m, correct = FALSE / TRUE) and fisher.test(m)$p.value.
    struct TwoByTwo: Sendable, CustomTestStringConvertible {
        var table: [[Int]]
        var pearson: Double, pearsonP: Double, yates: Double, yatesP: Double, fisherP: Double
        var testDescription: String { "\(table)" }
    }

    static let twoByTwo: [TwoByTwo] = [
        TwoByTwo(table: [[8, 2], [1, 5]], pearson: 6.1121693121693124, pearsonP: 0.013425424881491258,
                 yates: 3.8095238095238093, yatesP: 0.050961936967763313, fisherP: 0.034965034965034975),
        TwoByTwo(table: [[3, 1], [1, 3]], pearson: 2, pearsonP: 0.15729920705028447,
                 yates: 0.5, yatesP: 0.47950012218695348, fisherP: 0.48571428571428582),
        TwoByTwo(table: [[12, 5], [9, 7]], pearson: 0.73227415966386533, pearsonP: 0.39214703659991851,
                 yates: 0.24373030462184864, yatesP: 0.62152477915935977, fisherP: 0.48126581870355134),
        TwoByTwo(table: [[1, 9], [11, 3]], pearson: 10.971428571428572, pearsonP: 0.00092527403711976084,
                 yates: 8.4000000000000004, yatesP: 0.003752210100873845, fisherP: 0.0027594561852200836),
    ]

    @Test("2 × 2 tables: Pearson, Yates and Fisher match R", arguments: twoByTwo)
    func twoByTwoTables(_ c: TwoByTwo) throws {
        let plain = try ChiSquareTest.pearson(table: c.table)
        #expect(close(plain.statistic, c.pearson))
        #expect(closeP(plain.p, c.pearsonP))
        #expect(plain.df == 1 && !plain.yatesApplied)
        let yates = try ChiSquareTest.pearson(table: c.table, yatesCorrection: true)
        #expect(close(yates.statistic, c.yates))
        #expect(closeP(yates.p, c.yatesP))
        #expect(yates.yatesApplied)
        let fisher = try FisherExactTest.twoSided(table: c.table)
        #expect(closeP(fisher.p, c.fisherP))
        #expect(fisher.method == "Fisher 2×2")
    }

    @Test("2 × 2 conditional MLE odds ratio matches scipy's conditional odds ratio")
    func conditionalOddsRatio() throws {
        // scipy.stats.contingency.odds_ratio(t, kind='conditional').statistic (brentq solve); R's uniroot
        // is looser (15.46969 for the first table, statistics.md §6), so compare with scipy at 1e−8.
        let cases: [([[Int]], Double)] = [
            ([[8, 2], [1, 5]], 15.465819716921013),
            ([[3, 1], [1, 3]], 6.408319658199662),
            ([[12, 5], [9, 7]], 1.8311687622922839),
            ([[1, 9], [11, 3]], 0.037209084832381056),
        ]
        for (table, expected) in cases {
            let r = try FisherExactTest.twoSided(table: table)
            #expect(close(try #require(r.conditionalMLEOddsRatio), expected, rel: 1e-8), "\(table)")
        }
        #expect(try FisherExactTest.twoSided(table: [[0, 5], [4, 3]]).conditionalMLEOddsRatio == 0)
        #expect(try FisherExactTest.twoSided(table: [[5, 0], [3, 4]]).conditionalMLEOddsRatio == .infinity)
    }

    @Test("Yates is never applied beyond 2 × 2")
    func yatesOnlyTwoByTwo() throws {
        let r = try ChiSquareTest.pearson(table: seed38, yatesCorrection: true)
        #expect(!r.yatesApplied)
        #expect(close(r.statistic, 2.6167189132706379))
    }

    @Test("Zero margins are dropped and reported")
    func zeroMarginsDropped() throws {
        // Seed table with an empty row and an empty column inserted: same statistics as the 3 × 2 table.
        let padded = [[4, 0, 11], [0, 0, 0], [1, 0, 11], [4, 0, 7]]
        let chi = try ChiSquareTest.pearson(table: padded)
        #expect(chi.droppedRows == [1])
        #expect(chi.droppedColumns == [1])
        #expect(chi.observed == seed38)
        #expect(close(chi.statistic, 2.6167189132706379))
        #expect(chi.df == 2)
        let fisher = try FisherExactTest.twoSided(table: padded)
        #expect(closeP(fisher.p, 0.27649022486983088))
        #expect(fisher.droppedRows == [1] && fisher.droppedColumns == [1])
        // Fisher on a 2 × 2 with an empty row: only one table has these margins.
        let single = try FisherExactTest.twoSided(table: [[0, 0], [3, 4]])
        #expect(single.p == 1)
        #expect(single.tablesEnumerated == 1)
    }

    @Test("Invalid tables are refused with the offending field")
    func invalidTables() {
        #expect(throws: ContingencyTableError(field: "table[1][0]", value: "-1", expected: "a count ≥ 0")) {
            try ChiSquareTest.pearson(table: [[1, 2], [-1, 3]])
        }
        #expect(throws: ContingencyTableError.self) { try ChiSquareTest.pearson(table: [[1, 2]]) }
        #expect(throws: ContingencyTableError.self) { try ChiSquareTest.pearson(table: [[1, 2], [3]]) }
        #expect(throws: ContingencyTableError.self) { try ChiSquareTest.pearson(table: [[0, 0], [0, 0]]) }
        // A single non-empty column leaves nothing to test.
        do {
            _ = try ChiSquareTest.pearson(table: [[3, 0], [4, 0]])
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "table")
            #expect(error.description.contains("at least 2 columns with a non-zero total"))
        }
        #expect(throws: ContingencyTableError.self) { try FisherExactTest.twoSided(table: [[1, -2], [3, 4]]) }
    }

    @Test("Freeman–Halton refuses past its enumeration budget")
    func enumerationBudget() {
        #expect(throws: FisherExactTest.BudgetExceeded(maxTables: 10)) {
            try FisherExactTest.twoSided(table: seed38, maxTables: 10)
        }
        // A 5 × 5 table with N = 250 has far more tables with its margins than this budget allows.
        let big = Array(repeating: Array(repeating: 10, count: 5), count: 5)
        do {
            _ = try FisherExactTest.twoSided(table: big, maxTables: 100_000)
            Issue.record("expected the budget to be exceeded")
        } catch let error as FisherExactTest.BudgetExceeded {
            #expect(error.description.contains("more than 100000 tables"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(FisherExactTest.defaultMaxTables == 10_000_000)
    }

    @Test("3 × 2 with N = 200 is enumerated quickly and matches R")
    func largeThreeByTwo() throws {
        // R 4.2.2: fisher.test(matrix(c(40,30,25,35,30,40),3))$p.value
        let clock = ContinuousClock()
        var result: FisherExactResult?
        let elapsed = try clock.measure {
            result = try FisherExactTest.twoSided(table: [[40, 35], [30, 30], [25, 40]])
        }
        let r = try #require(result)
        #expect(closeP(r.p, 0.19337681837423581))
        #expect(elapsed < .seconds(2))
    }

    @Test("Transposing or reordering rows leaves χ² and the exact p unchanged")
    func invariances() throws {
        let tables = [seed38, flow47, [[3, 1], [1, 3]], [[2, 7, 1], [5, 0, 4], [1, 3, 6]]]
        for t in tables {
            let transposed = (0..<t[0].count).map { j in t.map { $0[j] } }
            let reversed = Array(t.reversed())
            let chi = try ChiSquareTest.pearson(table: t)
            let fisher = try FisherExactTest.twoSided(table: t)
            for other in [transposed, reversed] {
                #expect(close(try ChiSquareTest.pearson(table: other).statistic, chi.statistic, rel: 1e-12))
                let p = try FisherExactTest.twoSided(table: other)
                #expect(closeP(p.p, fisher.p, abs: 1e-12))
                #expect(p.tablesEnumerated == fisher.tablesEnumerated)
            }
            #expect(fisher.p > 0 && fisher.p <= 1)
        }
    }
}
