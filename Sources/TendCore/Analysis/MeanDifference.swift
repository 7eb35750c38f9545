import Foundation

/// Samples or settings for which a mean difference or its interval cannot be computed.
public typealias MeanDifferenceError = InputError

/// Which variance estimate the standard error of a two-sample mean difference uses.
public enum MeanDifferenceVariance: Sendable, Codable, Equatable, Hashable {
    /// Student's pooled variance of the two arms compared: df = n1 + n2 − 2.
    case pooledTwoArms
    /// Separate variances with the Welch–Satterthwaite df.
    case welch
    /// The pooled within-group variance of all arms, MS_within of a one-way ANOVA, with its df = N − a
    /// (what SPSS's ONEWAY with LSD post hoc tests uses).
    case pooledAllArms(msWithin: Double, df: Double)

    /// The name stored with every result.
    public var methodName: String {
        switch self {
        case .pooledTwoArms: "pooled (two arms)"
        case .welch: "Welch"
        case .pooledAllArms: "pooled (all arms, ANOVA/LSD)"
        }
    }
}

/// A difference between two independent means with its t-based confidence interval and test.
public struct MeanDifferenceResult: Sendable, Codable, Equatable {
    /// Mean of a minus mean of b (a − b).
    public var difference: Double
    public var se: Double
    /// Degrees of freedom (non-integer for Welch; never rounded).
    public var df: Double
    /// difference / se.
    public var t: Double
    /// Two-sided p = 2·P(T_df > |t|).
    public var p: Double
    public var lower: Double
    public var upper: Double
    /// Confidence level, e.g. 0.80.
    public var level: Double
    /// "pooled (two arms)", "Welch" or "pooled (all arms, ANOVA/LSD)".
    public var method: String
    public var nA: Int
    public var nB: Int
    public var meanA: Double
    public var meanB: Double
    /// Sample SDs (n − 1); NaN for an arm of one under the ANOVA/LSD variance.
    public var sdA: Double
    public var sdB: Double
}

/// Two-sample mean differences (for example the between-arm difference in mean change).
public enum MeanDifference {
    /// Difference in means a − b with a two-sided t confidence interval at `level` and a two-sided t test.
    ///
    /// ```
    /// D = ā − b̄
    /// pooled (two arms):  s_p² = ((n1 − 1)s1² + (n2 − 1)s2²)/(n1 + n2 − 2);  SE = s_p·sqrt(1/n1 + 1/n2);  df = n1 + n2 − 2
    /// Welch:              SE = sqrt(s1²/n1 + s2²/n2);  df = SE⁴ / [(s1²/n1)²/(n1 − 1) + (s2²/n2)²/(n2 − 1)]
    /// pooled (all arms):  SE = sqrt(MS_within·(1/n1 + 1/n2));  df = N − a of the ANOVA
    /// t = D/SE,  p = 2·P(T_df > |t|),  CI = D ± t((1 + level)/2; df)·SE
    /// ```
    ///
    /// Pilot trials often report 80 % intervals (Lee, Whitehead, Jacques & Julious (2014) BMC Med Res
    /// Methodol 14:41, doi:10.1186/1471-2288-14-41). Cross-check: R `t.test(a, b, var.equal = TRUE/FALSE,
    /// conf.level = level)`.
    ///
    /// References: Student (1908) Biometrika 6:1–25, doi:10.1093/biomet/6.1.1; Welch (1947) Biometrika
    /// 34:28–35, doi:10.1093/biomet/34.1-2.28.
    ///
    /// - Throws: `MeanDifferenceError` for a level outside (0, 1), a non-finite value, too few observations
    ///   (Welch: 2 per arm; pooled two arms: 1 per arm and 3 in all; all arms: 1 per arm), an invalid
    ///   MS_within or df, or SE = 0.
    public static func twoSample(_ a: [Double], _ b: [Double], level: Double, variance: MeanDifferenceVariance)
        throws(MeanDifferenceError) -> MeanDifferenceResult
    {
        try checkLevel(level)
        try checkFinite(a, "a")
        try checkFinite(b, "b")
        let minimum = variance == .welch ? 2 : 1
        for (name, x) in [("a", a), ("b", b)] where x.count < minimum {
            throw MeanDifferenceError(field: "sample size of \(name)", value: "\(x.count)",
                                      expected: "at least \(minimum) for the \(variance.methodName) variance")
        }
        let n1 = Double(a.count), n2 = Double(b.count)
        let m1 = Descriptive.mean(a), m2 = Descriptive.mean(b)
        let v1 = a.count >= 2 ? Descriptive.variance(a) : .nan
        let v2 = b.count >= 2 ? Descriptive.variance(b) : .nan
        let se: Double, df: Double
        switch variance {
        case .pooledTwoArms:
            guard a.count + b.count >= 3 else {
                throw MeanDifferenceError(field: "total sample size", value: "\(a.count + b.count)",
                                          expected: "at least 3 for the pooled (two arms) variance")
            }
            let ss = (a.count >= 2 ? (n1 - 1) * v1 : 0) + (b.count >= 2 ? (n2 - 1) * v2 : 0)
            df = n1 + n2 - 2
            se = (ss / df * (1 / n1 + 1 / n2)).squareRoot()
        case .welch:
            let q1 = v1 / n1, q2 = v2 / n2
            se = (q1 + q2).squareRoot()
            df = (q1 + q2) * (q1 + q2) / (q1 * q1 / (n1 - 1) + q2 * q2 / (n2 - 1))
        case .pooledAllArms(let msWithin, let dfWithin):
            guard msWithin.isFinite, msWithin > 0 else {
                throw MeanDifferenceError(field: "msWithin", value: "\(msWithin)", expected: "a finite number > 0")
            }
            guard dfWithin.isFinite, dfWithin > 0 else {
                throw MeanDifferenceError(field: "df", value: "\(dfWithin)", expected: "a finite number > 0")
            }
            df = dfWithin
            se = (msWithin * (1 / n1 + 1 / n2)).squareRoot()
        }
        guard se > 0, se.isFinite else {
            throw MeanDifferenceError(field: "standard error", value: "\(se) (no variation within the arms)",
                                      expected: "a standard error > 0")
        }
        let d = m1 - m2
        let t = d / se
        let q = StudentT.quantile((1 + level) / 2, df: df)
        return MeanDifferenceResult(
            difference: d, se: se, df: df, t: t, p: StudentT.twoSidedP(t, df: df),
            lower: d - q * se, upper: d + q * se, level: level, method: variance.methodName,
            nA: a.count, nB: b.count, meanA: m1, meanB: m2, sdA: v1.squareRoot(), sdB: v2.squareRoot())
    }

    static func checkLevel(_ level: Double) throws(MeanDifferenceError) {
        guard level > 0, level < 1 else {
            throw MeanDifferenceError(field: "level", value: "\(level)", expected: "0 < level < 1, e.g. 0.80 or 0.95")
        }
    }

    static func checkFinite(_ x: [Double], _ name: String) throws(MeanDifferenceError) {
        if let i = x.firstIndex(where: { !$0.isFinite }) {
            throw MeanDifferenceError(field: "\(name)[\(i)]", value: "\(x[i])", expected: "a finite number")
        }
    }
}

/// A one-sample mean with its t confidence interval.
public struct MeanIntervalResult: Sendable, Codable, Equatable {
    public var n: Int
    public var mean: Double
    /// Sample SD (n − 1).
    public var sd: Double
    /// sd/√n.
    public var se: Double
    /// n − 1.
    public var df: Double
    public var lower: Double
    public var upper: Double
    public var level: Double
}

/// Confidence interval of a single mean (for example the mean change within one arm).
public enum MeanInterval {
    /// Mean with its two-sided t interval.
    ///
    /// ```
    /// x̄ ± t((1 + level)/2; n − 1) · s/√n
    /// ```
    ///
    /// Undefined for n < 2 (and when the values are not finite): the fields that cannot be computed are
    /// NaN. Equals R `t.test(x, conf.level = level)$conf.int`. Reference: Student (1908) Biometrika
    /// 6:1–25, doi:10.1093/biomet/6.1.1.
    ///
    /// - Precondition: 0 < level < 1.
    public static func oneSample(_ x: [Double], level: Double) -> MeanIntervalResult {
        precondition(level > 0 && level < 1, "mean interval: level \(level); expected 0 < level < 1")
        let n = x.count
        let mean = Descriptive.mean(x)
        let sd = Descriptive.standardDeviation(x)
        let se = sd / Double(n).squareRoot()
        let df = Double(n - 1)
        let q = n >= 2 ? StudentT.quantile((1 + level) / 2, df: df) : .nan
        return MeanIntervalResult(n: n, mean: mean, sd: sd, se: se, df: df, lower: mean - q * se,
                                  upper: mean + q * se, level: level)
    }
}
