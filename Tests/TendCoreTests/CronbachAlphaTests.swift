import Foundation
import Testing
@testable import TendCore

/// Reference values: statistics.md §3 ([verified]: numpy, pingouin 0.7.0, R psych 2.2.9); the extra
/// digits of the 6 × 3 example and the 90 % interval were recomputed with numpy + scipy 1.17.1
/// (`1 − (1 − α)·f.ppf(…, n − 1, (n − 1)(k − 1))`).
@Suite("Cronbach's alpha")
struct CronbachAlphaTests {
    static func close(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
        abs(a - b) <= relative * max(abs(a), abs(b))
    }

    /// statistics.md §3: the 10 × 5 example, given there item by item (rows are respondents here).
    static let tenByFive: [[Double]] = {
        let columns: [[Double]] = [
            [3, 4, 2, 5, 4, 3, 2, 4, 5, 3],
            [2, 4, 3, 5, 5, 3, 1, 4, 4, 2],
            [3, 5, 2, 4, 4, 2, 2, 5, 5, 3],
            [4, 3, 2, 5, 3, 3, 1, 3, 4, 4],
            [2, 4, 1, 4, 5, 2, 2, 3, 5, 3],
        ]
        return (0..<10).map { r in columns.map { $0[r] } }
    }()

    @Test("6 × 3 hand example: α = 0.937093, Feldt 95 % CI [0.733522, 0.990496]")
    func sixByThree() throws {
        let x: [[Double]] = [[3, 4, 3], [2, 2, 3], [4, 5, 5], [1, 2, 1], [3, 3, 4], [5, 4, 5]]
        let r = try CronbachAlpha.compute(items: x, level: 0.95)
        #expect(r.n == 6 && r.k == 3)
        #expect(Self.close(r.alpha, 0.93709327548806942))
        #expect(Self.close(r.lower, 0.73352172586232034))
        #expect(Self.close(r.upper, 0.99049625958813559))
        // The six-decimal values printed in statistics.md.
        #expect(abs(r.alpha - 0.937093) < 5e-7 && abs(r.lower - 0.733522) < 5e-7 && abs(r.upper - 0.990496) < 5e-7)
    }

    @Test("10 × 5 example: α, Feldt CI, standardised α and α if item deleted")
    func tenByFiveExample() throws {
        let r = try CronbachAlpha.compute(items: Self.tenByFive)
        #expect(r.n == 10 && r.k == 5 && r.level == 0.95)
        #expect(Self.close(r.alpha, 0.913312693498))
        #expect(Self.close(r.lower, 0.783954036381))
        #expect(Self.close(r.upper, 0.975400311444))
        #expect(Self.close(try #require(r.standardizedAlpha), 0.916073792303))
        let dropped = try #require(r.alphaIfItemDeleted)
        let expected = [0.861194327941, 0.898639041235, 0.887810794421, 0.931392931393, 0.884345047923]
        #expect(dropped.count == 5)
        for (a, b) in zip(dropped, expected) { #expect(Self.close(a, b)) }
        #expect(r.stability.isStable)
    }

    @Test("the confidence level is honoured (90 % Feldt interval from scipy)")
    func ninetyPercent() throws {
        let r = try CronbachAlpha.compute(items: Self.tenByFive, level: 0.90)
        #expect(Self.close(r.lower, 0.81339625625750411))
        #expect(Self.close(r.upper, 0.96946134951400964))
        #expect(r.stability.note.contains("90%"))
    }

    @Test("pingouin's bundled cronbach_alpha dataset: α = 0.591719, CI [0.194921, 0.839821]")
    func pingouinDataset() throws {
        // pingouin.read_dataset('cronbach_alpha') pivoted to 15 subjects × 10 items (Q1, Q10, Q2, …, Q9).
        let x: [[Double]] = [
            [3, 2, 2, 4, 1, 4, 5, 1, 4, 3], [5, 5, 4, 6, 3, 5, 1, 2, 5, 5], [7, 5, 3, 5, 5, 6, 4, 3, 3, 6],
            [2, 3, 4, 3, 3, 2, 2, 2, 6, 6], [6, 5, 5, 6, 5, 4, 4, 4, 6, 7], [1, 2, 2, 3, 4, 2, 5, 2, 3, 5],
            [4, 3, 3, 5, 3, 5, 2, 1, 2, 4], [2, 5, 4, 4, 3, 7, 2, 2, 4, 6], [6, 2, 5, 5, 5, 1, 6, 5, 2, 3],
            [5, 2, 4, 6, 4, 3, 5, 3, 1, 7], [4, 1, 3, 5, 2, 5, 3, 2, 3, 4], [4, 4, 2, 3, 2, 5, 3, 4, 2, 3],
            [5, 5, 5, 6, 2, 3, 3, 2, 4, 4], [6, 5, 5, 5, 4, 2, 2, 1, 4, 6], [4, 4, 3, 5, 5, 3, 1, 3, 2, 3],
        ]
        let r = try CronbachAlpha.compute(items: x)
        #expect(r.n == 15 && r.k == 10)
        #expect(Self.close(r.alpha, 0.59171884859958279))
        #expect(Self.close(r.lower, 0.1949213906631222))
        #expect(Self.close(r.upper, 0.83982081462754332))
        #expect(abs(r.alpha - 0.591719) < 5e-7 && abs(r.lower - 0.194921) < 5e-7 && abs(r.upper - 0.839821) < 5e-7)
        // Lower bound 0.19 < 0.5: too small for a stable alpha by Tend's convention.
        #expect(!r.stability.isStable)
        #expect(r.stability.note.contains("Tend's convention"))
        #expect(r.stability.note.contains("published reliability"))
    }

    @Test("alpha can be negative and is not clamped")
    func negativeAlpha() throws {
        let x: [[Double]] = [[1, 3], [2, 2], [3, 1], [2, 3]]
        // numpy: item variances 2/3 and 11/12, totals [4, 4, 4, 5] with variance 0.25, so
        // α = 2 · (1 − (19/12) / 0.25) = −10.666666666666666.
        let r = try CronbachAlpha.compute(items: x)
        #expect(Self.close(r.alpha, -10.666666666666666))
        #expect(r.alphaIfItemDeleted == nil)   // k < 3
    }

    @Test("standardised alpha is nil when an item has zero variance")
    func zeroVarianceItem() throws {
        let r = try CronbachAlpha.compute(items: [[1, 2, 3], [1, 3, 4], [1, 4, 4], [1, 1, 2]])
        #expect(r.standardizedAlpha == nil)
        #expect(r.alphaIfItemDeleted?.count == 3)
    }

    @Test("inputs alpha cannot use are errors that say why")
    func errors() {
        #expect(throws: CronbachAlphaError.tooFewRespondents(1)) { try CronbachAlpha.compute(items: [[1, 2]]) }
        #expect(throws: CronbachAlphaError.tooFewRespondents(0)) { try CronbachAlpha.compute(items: []) }
        #expect(throws: CronbachAlphaError.tooFewItems(1)) { try CronbachAlpha.compute(items: [[1], [2]]) }
        #expect(throws: CronbachAlphaError.raggedRow(row: 1, count: 2, expected: 3)) {
            try CronbachAlpha.compute(items: [[1, 2, 3], [1, 2]])
        }
        #expect(throws: CronbachAlphaError.nonFinite(row: 1, column: 0)) {
            try CronbachAlpha.compute(items: [[1, 2], [.nan, 2], [2, 3]])
        }
        #expect(throws: CronbachAlphaError.zeroTotalVariance) { try CronbachAlpha.compute(items: [[1, 2], [2, 1], [0, 3]]) }
        #expect(throws: CronbachAlphaError.invalidLevel(1)) { try CronbachAlpha.compute(items: [[1, 2], [2, 3]], level: 1) }
        #expect(CronbachAlphaError.zeroTotalVariance.description.contains("zero total variance"))
    }
}
