import Foundation

/// The result of the Kruskal–Wallis rank test.
public struct KruskalWallisResult: Sendable, Codable, Equatable {
    /// H without the tie correction.
    public var h: Double
    /// C = 1 − Σ(t³ − t)/(N³ − N); 1 when there are no ties.
    public var tieCorrection: Double
    /// H* = H/C: the statistic R `kruskal.test` and scipy `kruskal` report.
    public var hCorrected: Double
    /// k − 1.
    public var df: Double
    /// Upper tail P(χ²_{k−1} ≥ H*).
    public var p: Double
    /// Mean rank R̄_i of each group (ranks 1…N over all groups, ties averaged), in input order.
    public var meanRanks: [Double]
}

/// The Kruskal–Wallis one-way analysis of variance by ranks.
public enum KruskalWallis {
    /// Kruskal–Wallis H test with the tie correction, and each group's mean rank (as SPSS prints).
    ///
    /// ```
    /// rank all N observations together (ties get average ranks); R_i = rank sum of group i
    /// H  = 12/(N(N + 1)) · Σ R_i²/n_i − 3(N + 1)
    /// C  = 1 − Σ_t (t³ − t)/(N³ − N)        t = size of each tie group
    /// H* = H/C,  p = P(χ²_{k−1} ≥ H*)        (large-sample χ² approximation)
    /// ```
    ///
    /// Cross-check: R `kruskal.test`, scipy `stats.kruskal`. Reference: Kruskal & Wallis (1952) JASA
    /// 47:583–621, doi:10.1080/01621459.1952.10483441.
    ///
    /// - Throws: `GroupComparisonError` for fewer than two groups, an empty group, a non-finite value,
    ///   N ≤ k, or all values identical (C = 0, test undefined).
    public static func test(groups: [[Double]]) throws(GroupComparisonError) -> KruskalWallisResult {
        try GroupComparisonError.validate(groups)
        let all = Array(groups.joined())
        let n = Double(all.count)
        let (ranks, ties) = Descriptive.averageRanks(all)
        var start = 0
        var sumTerm = 0.0
        var meanRanks: [Double] = []
        for values in groups {
            var rankSum = 0.0
            for r in ranks[start..<(start + values.count)] { rankSum += r }
            start += values.count
            sumTerm += rankSum * rankSum / Double(values.count)
            meanRanks.append(rankSum / Double(values.count))
        }
        let h = 12 / (n * (n + 1)) * sumTerm - 3 * (n + 1)
        var tieSum = 0.0
        for t in ties { let t = Double(t); tieSum += t * t * t - t }
        let c = 1 - tieSum / (n * n * n - n)
        guard c > 0 else {
            throw GroupComparisonError(field: "groups", value: "all values identical",
                                       expected: "at least two different values")
        }
        let hStar = h / c
        let df = Double(groups.count - 1)
        return KruskalWallisResult(
            h: h, tieCorrection: c, hCorrected: hStar, df: df, p: ChiSquared.sf(hStar, df: df), meanRanks: meanRanks)
    }
}
