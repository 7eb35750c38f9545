import Foundation
import Testing
@testable import TendCore

private func close(_ a: Double, _ b: Double, rel: Double = 1e-9) -> Bool {
    abs(a - b) <= rel * abs(b)
}

@Suite("Levene and Brown–Forsythe tests match R car::leveneTest")
struct LeveneTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var groups: [[Double]]
        var center: LeveneCenter
        var statistic: Double
        var p: Double
        var df2: Double
        var testDescription: String { "\(center) \(groups.map(\.count))" }
    }

    /// statistics.md §7.2 (W 6.106532 / 5.151043) and §11.3 (1.5272457750 / 1.3927327713), at full
    /// precision from R 4.2.2 `car::leveneTest(y, g, center = mean | median)`.
    static let cases: [Case] = {
        let a: [[Double]] = [[4.2, 5.1, 3.9, 6.0, 5.5], [3.1, 3.3, 2.9, 3.0, 3.6, 3.2], [5.0, 7.9, 2.2, 6.5, 4.1]]
        let b: [[Double]] = [[12, 15, 11, 18, 14, 13], [22, 25, 19, 30, 28], [9, 10, 8, 11, 15, 7, 10]]
        return [
            Case(groups: a, center: .mean, statistic: 6.1065319853377167, p: 0.013491654866660688, df2: 13),
            Case(groups: a, center: .median, statistic: 5.1510426299241718, p: 0.02251985940073719, df2: 13),
            Case(groups: b, center: .mean, statistic: 1.5272457750471147, p: 0.24905483385837088, df2: 15),
            Case(groups: b, center: .median, statistic: 1.3927327712609976, p: 0.27873734658275695, df2: 15),
        ]
    }()

    @Test("Statistic, df and p", arguments: cases)
    func matchesR(_ c: Case) throws {
        let r = try LeveneTest.test(groups: c.groups, center: c.center)
        #expect(close(r.statistic, c.statistic))
        #expect(abs(r.p - c.p) <= 1e-9)
        #expect(r.df1 == 2 && r.df2 == c.df2)
        #expect(r.center == c.center)
    }

    @Test("The default centre is the mean (classic Levene, as SPSS)")
    func defaultIsMean() throws {
        let r = try LeveneTest.test(groups: Self.cases[0].groups)
        #expect(r.center == .mean)
        #expect(close(r.statistic, 6.1065319853377167))
    }

    @Test("Degenerate input is refused")
    func invalid() {
        #expect(throws: GroupComparisonError.self) { try LeveneTest.test(groups: [[1, 2, 3]]) }
        // Deviations from each group's median are constant within each group: W undefined.
        #expect(throws: GroupComparisonError.self) { try LeveneTest.test(groups: [[1, 3], [5, 9]], center: .median) }
    }
}
