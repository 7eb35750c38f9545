import Foundation
import Testing
@testable import TendCore

private func close(_ a: Double, _ b: Double, rel: Double = 1e-9) -> Bool {
    abs(a - b) <= rel * abs(b)
}

@Suite("Wilson and Clopper–Pearson intervals for a proportion")
struct ProportionTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var x: Int, n: Int
        var wilson: (Double, Double)
        var exact: (Double, Double)
        var testDescription: String { "\(x)/\(n)" }
    }

    /// statistics.md §10 table (95 %), plus 1/1 and 9/47. Full precision from R 4.2.2:
    /// prop.test(x, n, correct = FALSE)$conf.int (Wilson) and binom.test(x, n)$conf.int (Clopper–Pearson).
    static let rows: [Row] = [
        Row(x: 38, n: 47, wilson: (0.67455995420338222, 0.89584067301457737),
            exact: (0.66740266316611452, 0.90850843199180986)),
        Row(x: 69, n: 103, wilson: (0.57441791632583317, 0.7531702726255971),
            exact: (0.57032499155387439, 0.75942227858187328)),
        Row(x: 4, n: 19, wilson: (0.085076766329162487, 0.43334278443814156),
            exact: (0.060524537709289769, 0.45565308189150566)),
        Row(x: 0, n: 10, wilson: (0, 0.27753279986288915), exact: (0, 0.30849710781876083)),
        Row(x: 10, n: 10, wilson: (0.72246720013711085, 1), exact: (0.69150289218123917, 1)),
        Row(x: 47, n: 103, wilson: (0.36342238345230693, 0.55234065367446827),
            exact: (0.35780553858896263, 0.55739348003280176)),
        Row(x: 47, n: 69, wilson: (0.56415874284113121, 0.77905239549616889),
            exact: (0.55794560855238862, 0.78825214110031117)),
        Row(x: 0, n: 13, wilson: (0, 0.2280953723541983), exact: (0, 0.24705263800047095)),
        Row(x: 1, n: 1, wilson: (0.2065493143772375, 1), exact: (0.025000000000000022, 1)),
        Row(x: 9, n: 47, wilson: (0.10415932698542259, 0.32544004579661762),
            exact: (0.091491568008190097, 0.33259733683388548)),
    ]

    @Test("95 % bounds match R", arguments: rows)
    func matchesR(_ row: Row) {
        let w = ProportionInterval.wilson(successes: row.x, trials: row.n, level: 0.95)
        let e = ProportionInterval.clopperPearson(successes: row.x, trials: row.n, level: 0.95)
        for (got, want) in [(w.lower, row.wilson.0), (w.upper, row.wilson.1), (e.lower, row.exact.0), (e.upper, row.exact.1)] {
            if want == 0 || want == 1 {
                #expect(got == want, "bound \(got) should be exactly \(want)")
            } else {
                #expect(close(got, want), "\(got) vs R \(want)")
            }
        }
        #expect(w.estimate == Double(row.x) / Double(row.n))
        #expect(w.method == "Wilson" && e.method == "Clopper–Pearson")
        #expect(w.level == 0.95 && w.successes == row.x && w.trials == row.n)
    }

    @Test("Seed 000 feasibility: Wilson 95 % lower bounds of the agreed and follow-up rates")
    func seedLowerBounds() {
        // statistics.md §10: agreed 69/103 lower bound 57.44 % (criterion 60 % not met by the bound);
        // follow-up 38/47 lower bound 67.46 % (criterion 50 % met).
        let agreed = ProportionInterval.wilson(successes: 69, trials: 103)
        #expect((agreed.lower * 10000).rounded() / 100 == 57.44)
        let followUp = ProportionInterval.wilson(successes: 38, trials: 47)
        #expect((followUp.lower * 10000).rounded() / 100 == 67.46)
    }

    @Test("80 % intervals match R")
    func level80() {
        // R 4.2.2: prop.test(38, 47, correct = FALSE, conf.level = .8); binom.test(38, 47, conf.level = .8).
        let w = ProportionInterval.wilson(successes: 38, trials: 47, level: 0.8)
        #expect(close(w.lower, 0.72504654266014046) && close(w.upper, 0.87114145902934648))
        let e = ProportionInterval.clopperPearson(successes: 38, trials: 47, level: 0.8)
        #expect(close(e.lower, 0.71460641747259701) && close(e.upper, 0.88100690649402691))
    }

    @Test("No trials gives the whole interval [0, 1]")
    func noTrials() {
        let w = ProportionInterval.wilson(successes: 0, trials: 0)
        #expect(w.lower == 0 && w.upper == 1 && w.estimate.isNaN)
        let e = ProportionInterval.clopperPearson(successes: 0, trials: 0)
        #expect(e.lower == 0 && e.upper == 1 && e.estimate.isNaN)
    }

    @Test("Every x/n up to 40: 0 ≤ lower ≤ p̂ ≤ upper ≤ 1, Clopper–Pearson wider than Wilson at the ends")
    func ordering() {
        for n in 1...40 {
            for x in 0...n {
                for ci in [ProportionInterval.wilson(successes: x, trials: n),
                           ProportionInterval.clopperPearson(successes: x, trials: n)] {
                    #expect(0 <= ci.lower && ci.lower <= ci.estimate && ci.estimate <= ci.upper && ci.upper <= 1,
                            "\(ci.method) \(x)/\(n): [\(ci.lower), \(ci.upper)]")
                }
            }
            #expect(ProportionInterval.clopperPearson(successes: 0, trials: n).upper
                    > ProportionInterval.wilson(successes: 0, trials: n).upper)
        }
    }
}
