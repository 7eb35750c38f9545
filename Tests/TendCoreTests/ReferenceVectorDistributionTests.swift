import Foundation
import Testing
@testable import TendCore

/// `distributions.json`: scipy 1.17.1 values of the normal, t, F, χ² and beta distributions over a grid
/// that reaches far into the tails (each value also agrees with R's p*/q* functions, see
/// `crosscheck/gen_distributions.py`). `value[i] = function(x[i])`; for quantiles x holds lower-tail
/// probabilities.
///
/// Quantiles are statistics (1e-9 relative). cdf and sf values are probabilities: they are held to the
/// p-value rule (1e-9 absolute) and, because Tend reports small tail probabilities, also to 1e-9 relative.
@Suite("Reference vectors: distributions (scipy)")
struct ReferenceVectorDistributionTests {
    @Test(arguments: ReferenceVectors.cases("distributions"))
    func distribution(_ c: ReferenceCase) throws {
        let check = Agreement(c)
        let input = c.input
        let xs = try #require(input["x"].doubles, "\(c.testDescription) input.x")
        let expected = try #require(c.expected["value"].array, "\(c.testDescription) expected.value")
        let distribution = try #require(input["distribution"].string)
        let function = try #require(input["function"].string)
        let f: (Double) -> Double
        switch (distribution, function) {
        case ("normal", "cdf"): f = { Normal.cdf($0) }
        case ("normal", "sf"): f = { Normal.sf($0) }
        case ("normal", "quantile"): f = { Normal.quantile($0) }
        case ("t", _):
            let df = try #require(input["df"].double)
            switch function {
            case "cdf": f = { StudentT.cdf($0, df: df) }
            case "sf": f = { StudentT.sf($0, df: df) }
            default: f = { StudentT.quantile($0, df: df) }
            }
        case ("f", _):
            let d1 = try #require(input["d1"].double), d2 = try #require(input["d2"].double)
            switch function {
            case "cdf": f = { FisherF.cdf($0, d1: d1, d2: d2) }
            case "sf": f = { FisherF.sf($0, d1: d1, d2: d2) }
            default: f = { FisherF.quantile($0, d1: d1, d2: d2) }
            }
        case ("chi2", _):
            let df = try #require(input["df"].double)
            switch function {
            case "cdf": f = { ChiSquared.cdf($0, df: df) }
            case "sf": f = { ChiSquared.sf($0, df: df) }
            default: f = { ChiSquared.quantile($0, df: df) }
            }
        case ("beta", _):
            let a = try #require(input["a"].double), b = try #require(input["b"].double)
            switch function {
            case "cdf": f = { BetaDistribution.cdf($0, a: a, b: b) }
            default: f = { BetaDistribution.quantile($0, a: a, b: b) }
            }
        default:
            Issue.record("\(c.testDescription): unknown distribution \(distribution) \(function)")
            return
        }
        #expect(xs.count == expected.count, "\(c.testDescription): \(xs.count) arguments, \(expected.count) values")
        for (x, e) in zip(xs, expected) {
            let value = f(x)
            if function == "quantile" {
                check.statistic(value, e, "value at p = \(x)")
            } else {
                check.pValue(value, e, "value at x = \(x) (absolute)")
                check.statistic(value, e, "value at x = \(x) (relative)")
            }
        }
    }
}
