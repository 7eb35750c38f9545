import Foundation

/// The centre from which Levene-type tests measure absolute deviations.
public enum LeveneCenter: String, Sendable, Codable, Equatable, CaseIterable {
    /// Group mean: Levene's original test, SPSS's "Levene's test" ("Based on Mean").
    case mean
    /// Group median: the Brown–Forsythe test, the default of R `car::leveneTest` and scipy `levene`.
    case median
}

/// The result of Levene's (or the Brown–Forsythe) test of equal variances.
public struct LeveneResult: Sendable, Codable, Equatable {
    /// W, the one-way ANOVA F of the absolute deviations.
    public var statistic: Double
    /// k − 1.
    public var df1: Double
    /// N − k.
    public var df2: Double
    /// Upper tail P(F_{k−1, N−k} ≥ W).
    public var p: Double
    /// The centre used: always report it, as packages differ in their default.
    public var center: LeveneCenter
}

/// Levene's test of homogeneity of variance and its Brown–Forsythe (median) variant.
public enum LeveneTest {
    /// Levene's test (`.mean`) or the Brown–Forsythe test (`.median`) of equal group variances: a one-way
    /// ANOVA on the absolute deviations from each group's centre.
    ///
    /// ```
    /// Z_ij = |Y_ij − centre_i|,   centre_i = group mean (Levene) or group median (Brown–Forsythe)
    /// W = (N − k)/(k − 1) · Σ_i n_i (Z̄_i − Z̄)² / Σ_i Σ_j (Z_ij − Z̄_i)²  ~  F(k − 1, N − k)
    /// ```
    ///
    /// Cross-check: R `car::leveneTest(y, g, center = mean | median)`, scipy `stats.levene(center=...)`.
    /// References: Levene (1960) in *Contributions to Probability and Statistics* (Olkin, ed.), Stanford UP,
    /// pp. 278–292 (no DOI); Brown & Forsythe (1974) JASA 69:364–367, doi:10.1080/01621459.1974.10482955.
    ///
    /// - Throws: `GroupComparisonError` for fewer than two groups, an empty group, a non-finite value,
    ///   N ≤ k, or absolute deviations that do not vary within any group (W undefined).
    public static func test(groups: [[Double]], center: LeveneCenter = .mean) throws(GroupComparisonError)
        -> LeveneResult
    {
        try GroupComparisonError.validate(groups)
        let deviations = groups.map { values -> [Double] in
            let c = center == .mean ? Descriptive.mean(values) : Descriptive.median(values)
            return values.map { abs($0 - c) }
        }
        let anova: OneWayANOVAResult
        do {
            anova = try OneWayANOVA.test(groups: deviations)
        } catch {
            throw GroupComparisonError(
                field: "groups", value: "absolute deviations from the group \(center.rawValue)s that are constant within every group",
                expected: "some variation in spread within at least one group")
        }
        return LeveneResult(statistic: anova.f, df1: anova.dfBetween, df2: anova.dfWithin, p: anova.p, center: center)
    }
}
