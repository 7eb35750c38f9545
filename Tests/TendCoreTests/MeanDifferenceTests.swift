import Foundation
import Testing
@testable import TendCore

private func close(_ a: Double, _ b: Double, rel: Double = 1e-9) -> Bool {
    abs(a - b) <= rel * abs(b)
}

@Suite("Mean differences with t intervals: pooled, Welch and ANOVA/LSD")
struct MeanDifferenceTests {
    // statistics.md §5.1: change scores of two arms; D = −3.196429; pooled t −2.708608, df 13,
    // 80 % CI [−4.789766, −1.603091]; Welch t −2.790185, df 12.047607, 80 % CI [−4.749751, −1.643107].
    let arm1: [Double] = [-5, -2, -8, 0, -3, -6, -1, -4]
    let arm2: [Double] = [-1, 0, -3, 2, -2, 1, 0]
    // statistics.md §4/§5.1: the b = 2 change scores of the three-arm example.
    let a: [Double] = [-9, -6, 4, -4, -4]
    let b: [Double] = [2, -3, -9, 5]
    let c: [Double] = [0, -3, 6, -2, 1, 2]

    @Test("Pooled two-arm 80 % and 95 % intervals match R t.test(var.equal = TRUE)")
    func pooled() throws {
        // R 4.2.2: t.test(arm1, arm2, var.equal = TRUE, conf.level = .8 / .95).
        let r = try MeanDifference.twoSample(arm1, arm2, level: 0.8, variance: .pooledTwoArms)
        #expect(close(r.difference, -3.625 - (-3.0 / 7)))
        #expect(close(r.t, -2.7086078680759758))
        #expect(r.df == 13)
        #expect(abs(r.p - 0.017897727319169193) <= 1e-9)
        #expect(close(r.se, 1.180100157391595))
        #expect(close(r.lower, -4.7897659218235287) && close(r.upper, -1.6030912210336155))
        #expect(r.method == "pooled (two arms)" && r.level == 0.8)
        #expect(r.nA == 8 && r.nB == 7)
        let r95 = try MeanDifference.twoSample(arm1, arm2, level: 0.95, variance: .pooledTwoArms)
        #expect(close(r95.lower, -5.7458799629441817) && close(r95.upper, -0.64697717991296244))
    }

    @Test("Welch 80 % and 95 % intervals match R t.test(var.equal = FALSE)")
    func welch() throws {
        let r = try MeanDifference.twoSample(arm1, arm2, level: 0.8, variance: .welch)
        #expect(close(r.t, -2.7901845801113145))
        #expect(close(r.df, 12.047606521143621))
        #expect(abs(r.p - 0.016285735231243284) <= 1e-9)
        #expect(close(r.se, 1.1455975329420858))
        #expect(close(r.lower, -4.7497505383461665) && close(r.upper, -1.643106604510977))
        #expect(r.method == "Welch")
        let r95 = try MeanDifference.twoSample(arm1, arm2, level: 0.95, variance: .welch)
        #expect(close(r95.lower, -5.6913776928809563) && close(r95.upper, -0.70147944997618628))
    }

    @Test("Three-arm example: A − B and A − C by all three variances (statistics.md §5.1)")
    func threeArms() throws {
        // Pooled and Welch: R 4.2.2 t.test(..., conf.level = .8). ANOVA/LSD: MS_w of anova(lm()) with df 12
        // and qt(0.9, 12) in R.
        let abPooled = try MeanDifference.twoSample(a, b, level: 0.8, variance: .pooledTwoArms)
        #expect(close(abPooled.difference, -2.55))
        #expect(close(abPooled.t, -0.7014943912314725))
        #expect(close(abPooled.lower, -7.6933854077932962) && close(abPooled.upper, 2.5933854077932956))
        #expect(abs(abPooled.p - 0.50564021299471729) <= 1e-9)
        let abWelch = try MeanDifference.twoSample(a, b, level: 0.8, variance: .welch)
        #expect(close(abWelch.df, 5.6594864302689025))
        #expect(close(abWelch.lower, -7.9840448778477588) && close(abWelch.upper, 2.8840448778477596))
        let anova = try OneWayANOVA.test(groups: [a, b, c])
        let lsd = MeanDifferenceVariance.pooledAllArms(msWithin: anova.msWithin, df: anova.dfWithin)
        let abLSD = try MeanDifference.twoSample(a, b, level: 0.8, variance: lsd)
        #expect(abLSD.df == 12)
        #expect(close(abLSD.se, 3.1037275975832674))
        #expect(close(abLSD.t, -0.82159272031011021))
        #expect(abs(abLSD.p - 0.42733099728688451) <= 1e-9)
        #expect(close(abLSD.lower, -6.7593291679286285) && close(abLSD.upper, 1.6593291679286288))
        #expect(abLSD.method == "pooled (all arms, ANOVA/LSD)")

        let acPooled = try MeanDifference.twoSample(a, c, level: 0.8, variance: .pooledTwoArms)
        #expect(close(acPooled.difference, -4.4666666666666668))
        #expect(close(acPooled.lower, -7.818079129482137) && close(acPooled.upper, -1.1152542038511961))
        let acWelch = try MeanDifference.twoSample(a, c, level: 0.8, variance: .welch)
        #expect(close(acWelch.df, 6.7588381121971084))
        #expect(close(acWelch.lower, -8.0457038668091201) && close(acWelch.upper, -0.88762946652421315))
        let acLSD = try MeanDifference.twoSample(a, c, level: 0.8, variance: lsd)
        #expect(close(acLSD.lower, -8.2663057575562782) && close(acLSD.upper, -0.66702757577705452))
        #expect(abs(acLSD.p - 0.13685269420135501) <= 1e-9)
    }

    @Test("Invalid input is refused with the offending field")
    func invalid() {
        #expect(throws: MeanDifferenceError(field: "level", value: "80.0", expected: "0 < level < 1, e.g. 0.80 or 0.95")) {
            try MeanDifference.twoSample(arm1, arm2, level: 80, variance: .welch)
        }
        #expect(throws: MeanDifferenceError(field: "sample size of b", value: "1",
                                            expected: "at least 2 for the Welch variance")) {
            try MeanDifference.twoSample(arm1, [1], level: 0.8, variance: .welch)
        }
        #expect(throws: MeanDifferenceError(field: "a[2]", value: "nan", expected: "a finite number")) {
            try MeanDifference.twoSample([1, 2, .nan], arm2, level: 0.8, variance: .welch)
        }
        #expect(throws: MeanDifferenceError.self) {
            try MeanDifference.twoSample([1, 1, 1], [2, 2], level: 0.8, variance: .pooledTwoArms)
        }
        #expect(throws: MeanDifferenceError.self) {
            try MeanDifference.twoSample(arm1, arm2, level: 0.8, variance: .pooledAllArms(msWithin: 0, df: 12))
        }
    }
}

@Suite("One-sample mean intervals")
struct MeanIntervalTests {
    @Test("Matches R t.test(x, conf.level = …)$conf.int")
    func matchesR() {
        let x: [Double] = [-5, -2, -8, 0, -3, -6, -1, -4]
        let r95 = MeanInterval.oneSample(x, level: 0.95)
        #expect(r95.n == 8 && r95.df == 7)
        #expect(close(r95.mean, -3.625))
        #expect(close(r95.sd, 2.6692695630078278))
        #expect(close(r95.se, 0.94372930440884373))
        #expect(close(r95.lower, -5.8565652001439412) && close(r95.upper, -1.3934347998560588))
        let r80 = MeanInterval.oneSample(x, level: 0.8)
        #expect(close(r80.lower, -4.9603051740330439) && close(r80.upper, -2.2896948259669561))
        // Changes (post − pre) of the statistics.md §1.6 data.
        let change: [Double] = [-15, -2, -1, -15, 6, -15, -1, -12, 2, -8]
        let c = MeanInterval.oneSample(change, level: 0.95)
        #expect(close(c.lower, -11.72717120147222) && close(c.upper, -0.47282879852777965))
    }

    @Test("A single value has no interval")
    func single() {
        let r = MeanInterval.oneSample([4], level: 0.95)
        #expect(r.mean == 4 && r.sd.isNaN && r.lower.isNaN && r.upper.isNaN)
    }
}
