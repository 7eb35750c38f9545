import Foundation

/// Groups of observations that a k-sample test (one-way ANOVA, Levene, Kruskal–Wallis) cannot be run on.
public typealias GroupComparisonError = InputError

extension InputError {
    /// Shared checks: at least two groups, each non-empty, every value finite, and N > k.
    static func validate(_ groups: [[Double]], minimumPerGroup: Int = 1) throws(GroupComparisonError) {
        guard groups.count >= 2 else {
            throw GroupComparisonError(field: "groups", value: "\(groups.count) group(s)", expected: "at least 2 groups")
        }
        for (g, values) in groups.enumerated() {
            guard values.count >= minimumPerGroup else {
                throw GroupComparisonError(
                    field: "groups[\(g)]", value: "\(values.count) observation(s)",
                    expected: "at least \(minimumPerGroup) observation(s)")
            }
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw GroupComparisonError(field: "groups[\(g)][\(i)]", value: "\(values[i])", expected: "a finite number")
            }
        }
        let n = groups.reduce(0) { $0 + $1.count }
        guard n > groups.count else {
            throw GroupComparisonError(
                field: "total sample size N", value: "\(n)",
                expected: "more observations than groups (N > k = \(groups.count))")
        }
    }
}

/// The result of a one-way between-groups ANOVA.
public struct OneWayANOVAResult: Sendable, Codable, Equatable {
    /// Σ_i n_i (Ȳ_i − Ȳ)².
    public var ssBetween: Double
    /// Σ_i Σ_j (Y_ij − Ȳ_i)².
    public var ssWithin: Double
    /// k − 1.
    public var dfBetween: Double
    /// N − k.
    public var dfWithin: Double
    /// SS_between / df_between.
    public var msBetween: Double
    /// SS_within / df_within: the pooled within-group variance (used by ANOVA/LSD intervals).
    public var msWithin: Double
    /// MS_between / MS_within.
    public var f: Double
    /// Upper tail P(F_{k−1, N−k} ≥ f).
    public var p: Double
    /// Group sizes n_i, in input order.
    public var groupSizes: [Int]
    /// Group means Ȳ_i, in input order.
    public var groupMeans: [Double]
}

/// One-way between-groups analysis of variance (fixed effects).
public enum OneWayANOVA {
    /// One-way ANOVA F test of equal group means.
    ///
    /// ```
    /// SS_between = Σ_i n_i (Ȳ_i − Ȳ)²        df k − 1
    /// SS_within  = Σ_i Σ_j (Y_ij − Ȳ_i)²     df N − k
    /// F = (SS_between/(k − 1)) / (SS_within/(N − k)),  p = P(F_{k−1, N−k} ≥ F)
    /// ```
    ///
    /// Cross-check: R `anova(lm(y ~ g))`, scipy `stats.f_oneway`. Reference: Fisher (1925) *Statistical
    /// Methods for Research Workers* (book, no DOI); Kirk, *Experimental Design* (book, no DOI).
    ///
    /// - Throws: `GroupComparisonError` for fewer than two groups, an empty group, a non-finite value,
    ///   N ≤ k, or no variation within groups (every group constant), where F is undefined.
    public static func test(groups: [[Double]]) throws(GroupComparisonError) -> OneWayANOVAResult {
        try GroupComparisonError.validate(groups)
        let k = groups.count
        let n = groups.reduce(0) { $0 + $1.count }
        let grandMean = Descriptive.mean(groups.joined())
        let means = groups.map { Descriptive.mean($0) }
        var ssBetween = 0.0, ssWithin = 0.0
        for (g, values) in groups.enumerated() {
            let d = means[g] - grandMean
            ssBetween += Double(values.count) * d * d
            ssWithin += Descriptive.sumOfSquares(values)
        }
        guard ssWithin > 0 else {
            throw GroupComparisonError(
                field: "groups", value: "no variation within any group",
                expected: "at least one group with two different values")
        }
        let dfBetween = Double(k - 1), dfWithin = Double(n - k)
        let msBetween = ssBetween / dfBetween, msWithin = ssWithin / dfWithin
        let f = msBetween / msWithin
        return OneWayANOVAResult(
            ssBetween: ssBetween, ssWithin: ssWithin, dfBetween: dfBetween, dfWithin: dfWithin,
            msBetween: msBetween, msWithin: msWithin, f: f, p: FisherF.sf(f, d1: dfBetween, d2: dfWithin),
            groupSizes: groups.map(\.count), groupMeans: means)
    }
}
