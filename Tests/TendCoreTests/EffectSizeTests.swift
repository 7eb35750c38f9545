import Foundation
import Testing
@testable import TendCore

private func close(_ a: Double, _ b: Double, rel: Double = 1e-9) -> Bool {
    abs(a - b) <= rel * abs(b)
}

@Suite("Within-group pre–post effect sizes")
struct EffectSizeTests {
    // statistics.md §1.6 data, change = post − pre; §5.2 gives d_z −0.775465, d_av −0.898429,
    // d_av (RMS) −0.871972, d_rm −0.838009, exact J 0.913875, r 0.416095.
    let pre: [Double] = [30, 28, 25, 35, 22, 27, 31, 26, 33, 18]
    let post: [Double] = [15, 26, 24, 20, 28, 12, 30, 14, 35, 10]

    @Test("statistics.md §5.2 example at full precision")
    func example() throws {
        // Full precision: numpy (mean, std(ddof=1), corrcoef) and scipy.special.gammaln for the exact J,
        // exp(gammaln(df/2) − gammaln((df − 1)/2))/sqrt(df/2) with df = 9.
        let r = try PairedEffectSize.compute(pre: pre, post: post)
        #expect(r.n == 10)
        #expect(close(r.meanPre, 27.5) && close(r.meanPost, 21.4))
        #expect(close(r.sdPre, 5.104464277037851))
        #expect(close(r.sdPost, 8.474799243771043))
        #expect(close(r.meanChange, -6.1))
        #expect(close(r.sdChange, 7.8662429264406635))
        #expect(close(r.r, 0.41609540240293863))
        #expect(close(r.dz, -0.7754654994821196))
        #expect(close(r.dAv, -0.8984286947009086))
        #expect(close(r.dAvRMS, -0.8719724880863879))
        #expect(close(r.dRM, -0.8380085044365113))
        #expect(close(r.hedgesJ, 0.9138748917925524))
        #expect(close(r.gz, -0.7086784494280797))
        #expect(close(r.gAv, -0.821051426153117))
        #expect(close(try #require(r.percentChangeOfMean), -22.181818181818187))
    }

    @Test("d_z equals t/√n of the paired t test")
    func dzIsTOverRootN() throws {
        let r = try PairedEffectSize.compute(pre: pre, post: post)
        let change = zip(pre, post).map { $1 - $0 }
        let m = MeanInterval.oneSample(change, level: 0.95)
        #expect(close(r.dz, m.mean / m.se / Double(m.n).squareRoot()))
    }

    @Test("Exact J for df = 2 is 1/√π")
    func exactJ() throws {
        // n = 3 → df = 2: J = Γ(1)/(1·Γ(0.5)) = 1/√π.
        let r = try PairedEffectSize.compute(pre: [1, 2, 4], post: [2, 2, 7])
        #expect(close(r.hedgesJ, 1 / Double.pi.squareRoot()))
    }

    @Test("Percent change is nil when the baseline mean is zero")
    func zeroBaselineMean() throws {
        let r = try PairedEffectSize.compute(pre: [-1, 0, 1], post: [1, 3, 2])
        #expect(r.percentChangeOfMean == nil)
    }

    @Test("Invalid input is refused")
    func invalid() {
        #expect(throws: PairedEffectSizeError(field: "post", value: "2 values",
                                              expected: "as many values as pre (3), one per pair")) {
            try PairedEffectSize.compute(pre: [1, 2, 3], post: [1, 2])
        }
        #expect(throws: PairedEffectSizeError.self) { try PairedEffectSize.compute(pre: [1, 2], post: [2, 3]) }
        #expect(throws: PairedEffectSizeError(field: "SD of post − pre", value: "0 (all values equal)",
                                              expected: "some variation, so that the effect sizes are defined")) {
            try PairedEffectSize.compute(pre: [1, 2, 3], post: [2, 3, 4])
        }
        #expect(throws: PairedEffectSizeError.self) { try PairedEffectSize.compute(pre: [5, 5, 5], post: [1, 2, 3]) }
    }
}
