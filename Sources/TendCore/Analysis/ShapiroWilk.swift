import Foundation

/// A sample the Shapiro–Wilk test cannot be run on.
public typealias ShapiroWilkError = InputError

/// The result of the Shapiro–Wilk test of normality.
public struct ShapiroWilkResult: Sendable, Codable, Equatable {
    /// W, in (0, 1]; small values indicate departure from normality.
    public var w: Double
    /// p-value (Royston's normalising transformation; exact for n = 3).
    public var p: Double
    /// Sample size.
    public var n: Int
}

/// The Shapiro–Wilk test of normality, as R `shapiro.test` computes it.
public enum ShapiroWilk {
    /// Shapiro–Wilk W and its p-value by Royston's algorithm AS R94, ported from R's `swilk.c`, with an
    /// exact normal quantile so that W and p agree with R `shapiro.test` to about 1e−12.
    ///
    /// ```
    /// W = (Σ a_i x_(i))² / Σ (x_i − x̄)²                           (x sorted ascending)
    /// m_i = Φ⁻¹((i − 3/8)/(n + 1/4)),  u = 1/√n
    /// a_n     = c_n     + 0.221157u − 0.147981u² − 2.071190u³ + 4.434685u⁴ − 2.706056u⁵
    /// a_{n−1} = c_{n−1} + 0.042981u − 0.293762u² − 1.752461u³ + 5.682633u⁴ − 3.582633u⁵   (n > 5)
    /// other a_i = m_i/√φ (antisymmetric), φ chosen so that Σ a_i² = 1
    /// n = 3:       p = (6/π)(asin √W − asin √0.75)
    /// 4 ≤ n ≤ 11:  γ = −2.273 + 0.459n,  z = (−ln(γ − ln(1 − W)) − μ)/σ,
    ///              μ = 0.5440 − 0.39978n + 0.025054n² − 0.0006714n³,
    ///              σ = exp(1.3822 − 0.77857n + 0.062767n² − 0.0020322n³)
    /// n ≥ 12:      z = (ln(1 − W) − μ)/σ,  μ = −1.5861 − 0.31082x − 0.083751x² + 0.0038915x³,
    ///              σ = exp(−0.4803 − 0.082676x + 0.0030302x²),  x = ln n
    /// p = 1 − Φ(z)
    /// ```
    ///
    /// As in `swilk.c`, 1 − W is computed directly (without cancellation when W is near 1); W is at most 1;
    /// for n = 3 p is clamped at 0; for 4 ≤ n ≤ 11 a W so small that γ ≤ ln(1 − W) gives p = 1e−99.
    ///
    /// References: Shapiro & Wilk (1965) Biometrika 52:591–611, doi:10.1093/biomet/52.3-4.591;
    /// Royston (1992) Stat Comput 2:117–119, doi:10.1007/BF01891203; Royston (1995) Appl Stat 44:547–551,
    /// doi:10.2307/2986146.
    ///
    /// - Throws: `ShapiroWilkError` when n < 3 or n > 5000 (R's limits), when a value is not finite, or
    ///   when all values are identical.
    public static func test(_ x: [Double]) throws(ShapiroWilkError) -> ShapiroWilkResult {
        let n = x.count
        guard n >= 3, n <= 5000 else {
            throw ShapiroWilkError(field: "sample size n", value: "\(n)", expected: "3 ≤ n ≤ 5000")
        }
        if let i = x.firstIndex(where: { !$0.isFinite }) {
            throw ShapiroWilkError(field: "x[\(i)]", value: "\(x[i])", expected: "a finite number")
        }
        let sorted = x.sorted()
        let range = sorted[n - 1] - sorted[0]
        guard range > 0 else {
            throw ShapiroWilkError(field: "x", value: "all values equal to \(sorted[0])",
                                   expected: "at least two different values")
        }

        // Coefficients a[1...n/2] (1-based, a[1] the largest), as in swilk.c.
        let half = n / 2
        let an = Double(n)
        var a = [Double](repeating: 0, count: half + 1)
        if n == 3 {
            a[1] = 0.5.squareRoot()
        } else {
            let an25 = an + 0.25
            var summ2 = 0.0
            for i in 1...half {
                a[i] = Normal.quantile((Double(i) - 0.375) / an25)
                summ2 += a[i] * a[i]
            }
            summ2 *= 2
            let ssumm2 = summ2.squareRoot()
            let rsn = 1 / an.squareRoot()
            let a1 = poly(c1, rsn) - a[1] / ssumm2
            let i1: Int
            let fac: Double
            if n > 5 {
                i1 = 3
                let a2 = -a[2] / ssumm2 + poly(c2, rsn)
                fac = ((summ2 - 2 * (a[1] * a[1]) - 2 * (a[2] * a[2]))
                    / (1 - 2 * (a1 * a1) - 2 * (a2 * a2))).squareRoot()
                a[2] = a2
            } else {
                i1 = 2
                fac = ((summ2 - 2 * (a[1] * a[1])) / (1 - 2 * (a1 * a1))).squareRoot()
            }
            a[1] = a1
            if i1 <= half {
                for i in i1...half { a[i] /= -fac }
            }
        }

        // W as the squared correlation between the range-scaled data and the coefficients.
        var sa = -a[1]
        var sx = sorted[0] / range
        var i = 1, j = n - 1
        while i < n {
            sx += sorted[i] / range
            i += 1
            if i != j { sa += Double((i - j).signum()) * a[min(i, j)] }
            j -= 1
        }
        sa /= an
        sx /= an
        var ssa = 0.0, ssx = 0.0, sax = 0.0
        j = n - 1
        for i in 0..<n {
            let asa = i != j ? Double((i - j).signum()) * a[1 + min(i, j)] - sa : -sa
            let xsx = sorted[i] / range - sx
            ssa += asa * asa
            ssx += xsx * xsx
            sax += asa * xsx
            j -= 1
        }
        let ssassx = (ssa * ssx).squareRoot()
        let w1 = max(0, (ssassx - sax) * (ssassx + sax) / (ssa * ssx))
        let w = 1 - w1

        if n == 3 {
            let sixOverPi = 1.90985931710274, asinSqrtThreeQuarters = 1.04719755119660
            return ShapiroWilkResult(w: w, p: max(0, sixOverPi * (asin(w.squareRoot()) - asinSqrtThreeQuarters)), n: n)
        }
        var y = log(w1)
        let m: Double, s: Double
        if n <= 11 {
            let gamma = poly(g, an)
            if y >= gamma { return ShapiroWilkResult(w: w, p: 1e-99, n: n) }
            y = -log(gamma - y)
            m = poly(c3, an)
            s = exp(poly(c4, an))
        } else {
            let xx = log(an)
            m = poly(c5, xx)
            s = exp(poly(c6, xx))
        }
        return ShapiroWilkResult(w: w, p: Normal.sf((y - m) / s), n: n)
    }

    // Polynomial coefficients of AS R94 (zero-order term first).
    private static let g = [-2.273, 0.459]
    private static let c1 = [0.0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056]
    private static let c2 = [0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633]
    private static let c3 = [0.544, -0.39978, 0.025054, -6.714e-4]
    private static let c4 = [1.3822, -0.77857, 0.062767, -0.0020322]
    private static let c5 = [-1.5861, -0.31082, -0.083751, 0.0038915]
    private static let c6 = [-0.4803, -0.082676, 0.0030302]

    /// Algorithm AS 181.2: cc[0] + cc[1]x + … evaluated in the same order as `swilk.c`'s `poly`.
    private static func poly(_ cc: [Double], _ x: Double) -> Double {
        var result = cc[0]
        let order = cc.count
        if order > 1 {
            var p = x * cc[order - 1]
            if order > 2 {
                for k in stride(from: order - 2, to: 0, by: -1) { p = (p + cc[k]) * x }
            }
            result += p
        }
        return result
    }
}
