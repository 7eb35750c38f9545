import Foundation

/// Cronbach's alpha with the Feldt confidence interval, standardised alpha and alpha if an item is
/// deleted (statistics.md §3).
public enum CronbachAlpha {
    /// Tend's own convention, not a published rule: a sample alpha whose Feldt lower bound is below this
    /// value is too unstable to use, and a published reliability should be used instead.
    public static let stabilityLowerBound = 0.5

    /// Cronbach's alpha of complete item responses.
    ///
    /// ```
    /// α = k/(k − 1) · (1 − Σ_j s_j² / s_T²)     s_j² item variances, s_T² variance of the row totals (n − 1)
    /// Feldt interval: df1 = n − 1, df2 = (n − 1)(k − 1), γ = 1 − level
    ///   lower = 1 − (1 − α) · F⁻¹(1 − γ/2; df1, df2)
    ///   upper = 1 − (1 − α) · F⁻¹(γ/2; df1, df2)
    /// standardised α = k·r̄ / (1 + (k − 1)·r̄),  r̄ = mean off-diagonal inter-item Pearson correlation
    /// α if item j deleted = α of the other k − 1 items on the same rows (k ≥ 3)
    /// ```
    ///
    /// References: Cronbach (1951) Psychometrika 16:297–334, doi:10.1007/BF02310555; Feldt (1965)
    /// Psychometrika 30:357–370, doi:10.1007/BF02289499; Feldt, Woodruff & Salih (1987) Appl Psychol
    /// Meas 11:93–103, doi:10.1177/014662168701100107. Matches pingouin `cronbach_alpha` on complete
    /// data (whose printed interval is rounded to 3 decimals) and R `psych::alpha`.
    ///
    /// Alpha is reported as computed, negative values included. `n` is the number of rows analysed.
    ///
    /// - Parameters:
    ///   - items: one row per respondent, one column per item; complete rows only (drop rows with a
    ///     missing item first).
    ///   - level: confidence level of the Feldt interval, strictly between 0 and 1.
    public static func compute(items: [[Double]], level: Double = 0.95) throws(CronbachAlphaError) -> CronbachAlphaResult {
        guard level > 0 && level < 1 else { throw .invalidLevel(level) }
        let n = items.count
        guard n >= 2 else { throw .tooFewRespondents(n) }
        let k = items[0].count
        guard k >= 2 else { throw .tooFewItems(k) }
        for (r, row) in items.enumerated() {
            guard row.count == k else { throw .raggedRow(row: r, count: row.count, expected: k) }
            for (c, x) in row.enumerated() where !x.isFinite { throw .nonFinite(row: r, column: c) }
        }

        let columns = (0..<k).map { j in items.map { $0[j] } }
        let itemVariances = columns.map { Descriptive.variance($0) }
        let totals = items.map { row in row.reduce(0, +) }
        let totalVariance = Descriptive.variance(totals)
        guard totalVariance > 0 else { throw .zeroTotalVariance }
        let alpha = coefficient(k: k, itemVarianceSum: itemVariances.reduce(0, +), totalVariance: totalVariance)

        let df1 = Double(n - 1), df2 = Double((n - 1) * (k - 1))
        let gamma = 1 - level
        let lower = 1 - (1 - alpha) * FisherF.quantile(1 - gamma / 2, d1: df1, d2: df2)
        let upper = 1 - (1 - alpha) * FisherF.quantile(gamma / 2, d1: df1, d2: df2)

        var standardized: Double? = nil
        if itemVariances.allSatisfy({ $0 > 0 }) {
            var sum = 0.0
            for i in 0..<k { for j in (i + 1)..<k { sum += Descriptive.pearson(columns[i], columns[j]) } }
            let rBar = sum / Double(k * (k - 1) / 2)
            standardized = Double(k) * rBar / (1 + Double(k - 1) * rBar)
        }

        var ifDeleted: [Double]? = nil
        if k >= 3 {
            ifDeleted = (0..<k).map { j in
                let rest = zip(totals, columns[j]).map { $0 - $1 }
                let restVariance = Descriptive.variance(rest)
                guard restVariance > 0 else { return .nan }
                let sum = itemVariances.enumerated().reduce(0.0) { $1.offset == j ? $0 : $0 + $1.element }
                return coefficient(k: k - 1, itemVarianceSum: sum, totalVariance: restVariance)
            }
        }

        return CronbachAlphaResult(alpha: alpha, k: k, n: n, level: level, lower: lower, upper: upper,
                                   standardizedAlpha: standardized, alphaIfItemDeleted: ifDeleted,
                                   stability: .init(lower: lower, level: level))
    }

    private static func coefficient(k: Int, itemVarianceSum: Double, totalVariance: Double) -> Double {
        let kd = Double(k)
        return kd / (kd - 1) * (1 - itemVarianceSum / totalVariance)
    }
}

/// The result of ``CronbachAlpha/compute(items:level:)``.
public struct CronbachAlphaResult: Sendable, Equatable, Codable {
    /// Cronbach's alpha, as computed (it can be negative).
    public var alpha: Double
    /// Number of items.
    public var k: Int
    /// Number of complete rows analysed.
    public var n: Int
    /// Confidence level of the interval, e.g. 0.95.
    public var level: Double
    /// Feldt interval, lower bound.
    public var lower: Double
    /// Feldt interval, upper bound.
    public var upper: Double
    /// Alpha of the standardised items; nil when an item has zero variance (its correlations are
    /// undefined).
    public var standardizedAlpha: Double?
    /// Alpha of the other items when item j (0-based column) is left out; nil when k < 3. An entry is
    /// NaN when the remaining items' total has zero variance.
    public var alphaIfItemDeleted: [Double]?
    public var stability: Stability

    /// Whether the sample is large enough for its alpha to be used — by Tend's own convention.
    public struct Stability: Sendable, Equatable, Codable {
        /// False when the Feldt lower bound is below ``CronbachAlpha/stabilityLowerBound``.
        public var isStable: Bool
        /// Plain-language explanation, labelled as Tend's convention.
        public var note: String

        init(lower: Double, level: Double) {
            let percent = InstrumentFormatting.number(level * 100)
            let bound = String(format: "%.2f", lower)
            let threshold = InstrumentFormatting.number(CronbachAlpha.stabilityLowerBound)
            isStable = lower >= CronbachAlpha.stabilityLowerBound
            if isStable {
                note = "The Feldt \(percent)% lower bound (\(bound)) is at least \(threshold), so by Tend's convention (not a published rule) the sample is large enough for a stable alpha."
            } else {
                note = "The Feldt \(percent)% lower bound (\(bound)) is below \(threshold): by Tend's convention (not a published rule) the sample is too small for a stable alpha; use a published reliability for this measure instead."
            }
        }
    }
}

/// Why alpha cannot be computed.
public enum CronbachAlphaError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooFewRespondents(Int)
    case tooFewItems(Int)
    case raggedRow(row: Int, count: Int, expected: Int)
    case nonFinite(row: Int, column: Int)
    case zeroTotalVariance
    case invalidLevel(Double)

    public var description: String {
        switch self {
        case .tooFewRespondents(let n):
            return "alpha needs at least 2 complete rows; there \(n == 1 ? "is" : "are") \(n)"
        case .tooFewItems(let k):
            return "alpha needs at least 2 items; there \(k == 1 ? "is" : "are") \(k)"
        case .raggedRow(let row, let count, let expected):
            return "row \(row) has \(count) values; expected \(expected), one per item"
        case .nonFinite(let row, let column):
            return "row \(row), item column \(column) is not a finite number; pass complete rows only"
        case .zeroTotalVariance:
            return "every respondent has the same total, so alpha is undefined (zero total variance)"
        case .invalidLevel(let level):
            return "confidence level \(level) is not allowed; expected a number strictly between 0 and 1, e.g. 0.95"
        }
    }
}
