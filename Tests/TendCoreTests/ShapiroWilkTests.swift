import Foundation
import Testing
@testable import TendCore

private func close(_ a: Double, _ b: Double, rel: Double) -> Bool {
    abs(a - b) <= rel * abs(b)
}

@Suite("Shapiro–Wilk test matches R shapiro.test")
struct ShapiroWilkTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var x: [Double]
        var w: Double
        var p: Double
        var testDescription: String { name }
    }

    /// W and p from R 4.2.2 `shapiro.test(x)`, printed with sprintf("%.17g"). The first four samples are
    /// the [verified] examples of statistics.md §7.1; the others exercise n = 4, 5, 6 (the coefficient
    /// branches) and ties.
    static let cases: [Case] = [
        Case(name: "n = 11, statistics.md §7.1",
             x: [148, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236],
             w: 0.78881469483538735, p: 0.0067038140565029254),
        Case(name: "n = 3, exact p", x: [1, 2, 4], w: 0.96428571428571419, p: 0.6368868450289632),
        Case(name: "n = 20, statistics.md §7.1",
             x: [2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 3.9, 4.1, 2.2, 3.0, 6.8, 3.5, 2.9, 4.0, 3.1, 2.6, 5.0, 3.7, 4.2],
             w: 0.94330731304112436, p: 0.27667725704097951),
        Case(name: "n = 12, statistics.md §7.1 (W 0.94000847, p 0.4981817)",
             x: [2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 6.1, 3.9, 4.0, 2.2, 3.5],
             w: 0.94000846823997541, p: 0.49818170119922189),
        Case(name: "n = 4", x: [1, 2, 3, 10], w: 0.80688566456770017, p: 0.11515298175453673),
        Case(name: "n = 5", x: [3.1, 2.2, 5.7, 4.0, 4.1], w: 0.97120749983808341, p: 0.88294575497337224),
        Case(name: "n = 6", x: [3.1, 2.2, 5.7, 4.0, 4.1, 9.9], w: 0.86108484306038768, p: 0.19291907978597655),
        Case(name: "n = 4 with ties", x: [1, 1, 1, 2], w: 0.62977626491370753, p: 0.0012407259319772808),
        Case(name: "n = 11 with ties", x: [1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3],
             w: 0.62725673657426895, p: 5.5695383257730112e-05),
    ]

    @Test("W and p agree with R to 1e−12", arguments: cases)
    func matchesR(_ c: Case) throws {
        let r = try ShapiroWilk.test(c.x)
        #expect(r.n == c.x.count)
        #expect(close(r.w, c.w, rel: 1e-12), "W \(r.w) vs R \(c.w)")
        #expect(close(r.p, c.p, rel: 1e-10), "p \(r.p) vs R \(c.p)")
        #expect(abs(r.p - c.p) <= 1e-12)
    }

    @Test("Input order does not matter")
    func unsortedInput() throws {
        let x = [236.0, 148, 170, 154, 195, 158, 182, 160, 166, 161, 162]
        let r = try ShapiroWilk.test(x)
        #expect(close(r.w, 0.78881469483538735, rel: 1e-12))
    }

    /// Deterministic samples built from integer arithmetic, so R and Swift see bit-identical data:
    /// x_i = Σ_k ((i·a_k) mod m_k)/m_k. R: i <- 1:n; x <- ((i*7919)%%10007)/10007 + … ; shapiro.test(x).
    @Test("Large samples: n = 100 (skewed) and n = 5000 (R's upper limit)")
    func largeSamples() throws {
        func u(_ i: Int, _ a: Int, _ m: Int) -> Double { Double((i * a) % m) / Double(m) }
        let x5000 = (1...5000).map { i in
            u(i, 7919, 10007) + u(i, 104729, 10009) + u(i, 1299709, 10037) + u(i, 15485863, 10039)
        }
        let r5000 = try ShapiroWilk.test(x5000)
        #expect(close(r5000.w, 0.99853970799118308, rel: 1e-12))
        #expect(abs(r5000.p - 0.0001537541090511622) <= 1e-12)
        let x100 = (1...100).map { i in exp(u(i, 7919, 10007) + u(i, 104729, 10009) + u(i, 1299709, 10037)) }
        let r100 = try ShapiroWilk.test(x100)
        #expect(close(r100.w, 0.88560401830523705, rel: 1e-12))
        #expect(close(r100.p, 3.1575639872405755e-07, rel: 1e-9))
    }

    @Test("Too few, too many, non-finite and identical values are refused")
    func invalidInput() {
        #expect(throws: ShapiroWilkError(field: "sample size n", value: "2", expected: "3 ≤ n ≤ 5000")) {
            try ShapiroWilk.test([1, 2])
        }
        #expect(throws: ShapiroWilkError(field: "sample size n", value: "5001", expected: "3 ≤ n ≤ 5000")) {
            try ShapiroWilk.test((0..<5001).map { Double($0) })
        }
        #expect(throws: ShapiroWilkError(field: "x[1]", value: "nan", expected: "a finite number")) {
            try ShapiroWilk.test([1, .nan, 3])
        }
        do {
            _ = try ShapiroWilk.test([4, 4, 4, 4])
            Issue.record("expected an error for identical values")
        } catch {
            #expect(error.description.contains("all values equal to 4.0"))
        }
    }

    @Test("W and p are invariant under a positive affine change of scale")
    func affineInvariance() throws {
        let x: [Double] = [2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 6.1, 3.9, 4.0, 2.2, 3.5]
        let base = try ShapiroWilk.test(x)
        let scaled = try ShapiroWilk.test(x.map { 1000 + 37.5 * $0 })
        #expect(close(scaled.w, base.w, rel: 1e-12))
        #expect(abs(scaled.p - base.p) <= 1e-10)
    }
}
