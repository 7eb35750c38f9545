import Foundation
import Testing
@testable import TendCore

private func close(_ a: Double, _ b: Double, rel: Double = 1e-9) -> Bool {
    abs(a - b) <= rel * abs(b)
}

@Suite("One-way ANOVA")
struct OneWayANOVATests {
    // Change scores t2 − t1 of the statistics.md §4 example (b = 2): F(2,12) = 1.2717835593,
    // p = .3155453896, MS_w = 21.4069444444. Full precision from R 4.2.2 anova(lm(y ~ g)).
    let changes: [[Double]] = [[-9, -6, 4, -4, -4], [2, -3, -9, 5], [0, -3, 6, -2, 1, 2]]

    @Test("Change-score ANOVA matches R anova(lm()) and statistics.md §4")
    func changeScores() throws {
        let r = try OneWayANOVA.test(groups: changes)
        #expect(close(r.ssBetween, 54.449999999999967))
        #expect(close(r.ssWithin, 256.88333333333333))
        #expect(r.dfBetween == 2 && r.dfWithin == 12)
        #expect(close(r.msWithin, 21.406944444444445))
        #expect(close(r.msBetween, 54.449999999999967 / 2))
        #expect(close(r.f, 1.2717835593330298))
        #expect(abs(r.p - 0.31554538957529549) <= 1e-9)
        #expect(r.groupSizes == [5, 4, 6])
        #expect(close(r.groupMeans[0], -3.8) && close(r.groupMeans[1], -1.25) && close(r.groupMeans[2], 2.0 / 3))
    }

    @Test("A strongly separated example matches R")
    func separatedGroups() throws {
        // R 4.2.2: anova(lm(y ~ g)) for the Levene second-pass groups of statistics.md §11.3.
        let r = try OneWayANOVA.test(groups: [[12, 15, 11, 18, 14, 13], [22, 25, 19, 30, 28], [9, 10, 8, 11, 15, 7, 10]])
        #expect(close(r.ssBetween, 660.6444444444445))
        #expect(close(r.ssWithin, 149.6333333333333))
        #expect(close(r.msWithin, 9.9755555555555535))
        #expect(close(r.f, 33.113165515705063))
        #expect(abs(r.p - 3.1474451281713327e-06) <= 1e-9)
        #expect(close(r.p, 3.1474451281713327e-06, rel: 1e-8))
    }

    @Test("Invalid groups are refused")
    func invalidGroups() {
        #expect(throws: GroupComparisonError(field: "groups", value: "1 group(s)", expected: "at least 2 groups")) {
            try OneWayANOVA.test(groups: [[1, 2, 3]])
        }
        #expect(throws: GroupComparisonError(field: "groups[1]", value: "0 observation(s)",
                                             expected: "at least 1 observation(s)")) {
            try OneWayANOVA.test(groups: [[1, 2], []])
        }
        #expect(throws: GroupComparisonError(field: "groups[0][1]", value: "inf", expected: "a finite number")) {
            try OneWayANOVA.test(groups: [[1, .infinity], [2, 3]])
        }
        #expect(throws: GroupComparisonError.self) { try OneWayANOVA.test(groups: [[1], [2]]) }
        #expect(throws: GroupComparisonError.self) { try OneWayANOVA.test(groups: [[1, 1], [2, 2]]) }
    }
}
