import Foundation

/// A two-sided confidence interval for a single binomial proportion x/n.
public struct ProportionInterval: Sendable, Codable, Equatable {
    /// x.
    public var successes: Int
    /// n.
    public var trials: Int
    /// p̂ = x/n (NaN when n = 0).
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    /// Confidence level, e.g. 0.95.
    public var level: Double
    /// "Wilson" or "Clopper–Pearson".
    public var method: String

    public init(successes: Int, trials: Int, estimate: Double, lower: Double, upper: Double, level: Double,
                method: String) {
        self.successes = successes
        self.trials = trials
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.level = level
        self.method = method
    }

    /// Wilson score interval.
    ///
    /// ```
    /// z = Φ⁻¹(1 − γ/2),  γ = 1 − level,  p̂ = x/n
    /// centre     = (x + z²/2)/(n + z²)
    /// half-width = z·sqrt(p̂(1 − p̂)n + z²/4)/(n + z²)
    /// ```
    ///
    /// x = 0 gives a lower bound of exactly 0 and x = n an upper bound of exactly 1. With n = 0 the
    /// interval is [0, 1] and the estimate NaN. Equals R `prop.test(x, n, correct = FALSE)` and
    /// statsmodels `proportion_confint(method = "wilson")` (not R's default continuity-corrected version).
    ///
    /// References: Wilson (1927) JASA 22:209–212, doi:10.1080/01621459.1927.10502953; Brown, Cai & DasGupta
    /// (2001) Stat Sci 16:101–133, doi:10.1214/ss/1009213286.
    ///
    /// - Precondition: 0 ≤ successes ≤ trials and 0 < level < 1 (counts come from code, not from users).
    public static func wilson(successes x: Int, trials n: Int, level: Double = 0.95) -> ProportionInterval {
        check(x, n, level)
        let z = Normal.quantile(1 - (1 - level) / 2)
        let z2 = z * z
        let nd = Double(n), xd = Double(x)
        let p = xd / nd
        let centre = (xd + z2 / 2) / (nd + z2)
        let halfWidth = n == 0 ? centre : z * (p * (1 - p) * nd + z2 / 4).squareRoot() / (nd + z2)
        let lower = x == 0 ? 0 : centre - halfWidth
        let upper = x == n ? 1 : centre + halfWidth
        return ProportionInterval(successes: x, trials: n, estimate: p, lower: lower, upper: upper,
                                  level: level, method: "Wilson")
    }

    /// Clopper–Pearson "exact" interval, from beta quantiles.
    ///
    /// ```
    /// lower = Beta⁻¹(γ/2; x, n − x + 1)      (0 when x = 0)
    /// upper = Beta⁻¹(1 − γ/2; x + 1, n − x)  (1 when x = n)
    /// ```
    ///
    /// With n = 0 the interval is [0, 1] and the estimate NaN. Equals R `binom.test` and statsmodels
    /// `proportion_confint(method = "beta")`.
    ///
    /// References: Clopper & Pearson (1934) Biometrika 26:404–413, doi:10.1093/biomet/26.4.404; Brown,
    /// Cai & DasGupta (2001) Stat Sci 16:101–133, doi:10.1214/ss/1009213286.
    ///
    /// - Precondition: 0 ≤ successes ≤ trials and 0 < level < 1.
    public static func clopperPearson(successes x: Int, trials n: Int, level: Double = 0.95) -> ProportionInterval {
        check(x, n, level)
        let alpha = 1 - level
        let lower = x == 0 ? 0 : BetaDistribution.quantile(alpha / 2, a: Double(x), b: Double(n - x + 1))
        let upper = x == n ? 1 : BetaDistribution.quantile(1 - alpha / 2, a: Double(x + 1), b: Double(n - x))
        return ProportionInterval(successes: x, trials: n, estimate: Double(x) / Double(n), lower: lower,
                                  upper: upper, level: level, method: "Clopper–Pearson")
    }

    private static func check(_ x: Int, _ n: Int, _ level: Double) {
        precondition(n >= 0 && x >= 0 && x <= n, "proportion: successes \(x) of trials \(n); expected 0 ≤ successes ≤ trials")
        precondition(level > 0 && level < 1, "proportion: level \(level); expected 0 < level < 1")
    }
}
