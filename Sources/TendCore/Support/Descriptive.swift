import Foundation

/// Descriptive statistics shared by every analysis. Two-pass algorithms throughout, so that variances
/// of large-valued data (for example scores near 50 with small spread) keep full precision.
public enum Descriptive {
    /// Arithmetic mean; NaN for an empty sample.
    public static func mean<C: Collection>(_ x: C) -> Double where C.Element == Double {
        guard !x.isEmpty else { return .nan }
        var s = 0.0
        for v in x { s += v }
        let m = s / Double(x.count)
        // One correction pass (Neumaier-style refinement of the mean).
        var r = 0.0
        for v in x { r += v - m }
        return m + r / Double(x.count)
    }

    /// Sample variance with denominator n − 1 (R `var`, numpy `ddof=1`); NaN when n < 2.
    public static func variance<C: Collection>(_ x: C) -> Double where C.Element == Double {
        let n = x.count
        guard n >= 2 else { return .nan }
        let m = mean(x)
        var ss = 0.0, comp = 0.0
        for v in x { let d = v - m; ss += d * d; comp += d }
        return (ss - comp * comp / Double(n)) / Double(n - 1)
    }

    /// Sample standard deviation (n − 1).
    public static func standardDeviation<C: Collection>(_ x: C) -> Double where C.Element == Double {
        variance(x).squareRoot()
    }

    /// Sum of squared deviations from the mean.
    public static func sumOfSquares<C: Collection>(_ x: C) -> Double where C.Element == Double {
        guard !x.isEmpty else { return .nan }
        let m = mean(x)
        var ss = 0.0
        for v in x { let d = v - m; ss += d * d }
        return ss
    }

    /// Sample covariance (n − 1) of paired samples of equal length.
    public static func covariance(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "covariance needs paired samples")
        let n = x.count
        guard n >= 2 else { return .nan }
        let mx = mean(x), my = mean(y)
        var s = 0.0
        for i in 0..<n { s += (x[i] - mx) * (y[i] - my) }
        return s / Double(n - 1)
    }

    /// Pearson's product-moment correlation of paired samples.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "correlation needs paired samples")
        let mx = mean(x), my = mean(y)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in 0..<x.count {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Median (average of the two middle values for even n); NaN for an empty sample.
    public static func median(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        let s = x.sorted()
        let n = s.count
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2])
    }

    /// Average ranks (1-based), ties sharing the mean of the ranks they span, plus the tie-group sizes.
    public static func averageRanks(_ x: [Double]) -> (ranks: [Double], tieSizes: [Int]) {
        let order = x.indices.sorted { x[$0] < x[$1] }
        var ranks = [Double](repeating: 0, count: x.count)
        var ties: [Int] = []
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
            let r = Double(i + j + 2) / 2
            for k in i...j { ranks[order[k]] = r }
            if j > i { ties.append(j - i + 1) }
            i = j + 1
        }
        return (ranks, ties)
    }
}
