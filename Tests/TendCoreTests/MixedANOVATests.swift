import Foundation
import Testing
@testable import TendCore

// Expected values come from statistics.md §4 ([verified] entries) and from runs made for these tests:
//   R 4.2.2, afex 1.2.1, car 3.1.1:
//     fit <- aov_ez("id", "y", d, between = "g", within = "time", type = 3 or 2)
//     anova(fit, correction = "none", es = c("pes", "ges"))            -> F, p, pes, ges
//     summary(fit$Anova, multivariate = FALSE)                           -> Sum Sq, Error SS,
//         sphericity.tests (Mauchly W, p), pval.adjustments (GG eps, HF eps, Pr(>F[GG]), Pr(>F[HF]))
//     printed with format(..., digits = 17).
//   pingouin 0.7.0 mixed_anova(..., correction = True) and numpy for Mauchly's χ².

/// |actual − expected| ≤ tolerance · |expected|.
private func close(_ actual: Double?, _ expected: Double, rel: Double = 1e-9) -> Bool {
    guard let actual else { return false }
    return abs(actual - expected) <= rel * abs(expected)
}

/// |actual − expected| ≤ tolerance.
private func near(_ actual: Double?, _ expected: Double, abs tolerance: Double = 1e-9) -> Bool {
    guard let actual else { return false }
    return abs(actual - expected) <= tolerance
}

private struct Wide {
    var values: [[Double]]
    var groups: [Int]
    var groupLabels: [String]
    var levelLabels: [String]

    func run(_ type: SumOfSquaresType = .typeIII) throws -> MixedANOVAResult {
        try MixedANOVA.compute(values: values, groups: groups, groupLabels: groupLabels,
                               levelLabels: levelLabels, type: type)
    }

    func keepingLevels(_ n: Int) -> Wide {
        Wide(values: values.map { Array($0.prefix(n)) }, groups: groups, groupLabels: groupLabels,
             levelLabels: Array(levelLabels.prefix(n)))
    }
}

/// statistics.md §4, second unbalanced example: a = 3, n = 5/4/6, integer scores, t1…t3. The t4 column is
/// an extra fabricated level used only for the b = 4 test (its R values were computed for this file).
private let integer546 = Wide(
    values: [
        [17, 8, 9, 1], [15, 9, 14, 3], [9, 13, 6, 7], [15, 11, 8, 10], [22, 18, 15, 12],
        [22, 24, 18, 20], [21, 18, 21, 19], [27, 18, 24, 25], [17, 22, 16, 11],
        [20, 20, 15, 14], [13, 10, 10, 12], [15, 21, 16, 19], [8, 6, 6, 9], [19, 20, 20, 13], [15, 17, 16, 18],
    ],
    groups: [0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2],
    groupLabels: ["A", "B", "C"], levelLabels: ["t1", "t2", "t3", "t4"])

/// statistics.md §4, unbalanced example n = 5, 7, 4, b = 3 (decimal scores).
private let decimal574 = Wide(
    values: [
        [11.9, 11.9, 10.1], [12.5, 11.7, 14.1], [11.2, 11.5, 12.9], [8.3, 8.5, 10.8], [9.6, 9.6, 11.1],
        [9.6, 12.8, 13.1], [1.7, 5.1, 5.5], [10.8, 14.4, 10.4], [12.3, 11.0, 11.8], [6.5, 10.0, 10.7],
        [6.5, 8.2, 7.7], [9.9, 10.7, 10.6],
        [12.5, 13.3, 13.2], [10.7, 14.4, 13.1], [11.8, 11.6, 14.6], [10.5, 10.2, 11.6],
    ],
    groups: [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2],
    groupLabels: ["A", "B", "C"], levelLabels: ["t1", "t2", "t3"])

@Suite("Mixed ANOVA (split-plot, between × within)")
struct MixedANOVATests {

    // MARK: 5/4/6, b = 3

    @Test("5/4/6 b = 3, Type III: every entry matches afex/car")
    func integerExampleTypeIII() throws {
        let r = try integer546.keepingLevels(3).run(.typeIII)
        #expect(r.type == .typeIII && r.n == 15 && r.groups == 3 && r.levels == 3 && r.groupSizes == [5, 4, 6])
        // statistics.md §4 [verified]
        #expect(near(r.between.ss, 453.5444444444, abs: 5e-11))
        #expect(near(r.errorBetween.ss, 549.4333333333, abs: 5e-11))
        #expect(near(r.interaction.ss, 34.8555555556, abs: 5e-11))
        #expect(near(r.errorWithin.ss, 188.4333333333, abs: 5e-11))
        #expect(near(r.within.ss, 56.8009009009, abs: 5e-11))
        #expect(near(r.ssTotal, 1282.3111111111, abs: 5e-11))
        // car Sum Sq / Error SS, digits = 17
        #expect(close(r.between.ss, 453.544444444444537))
        #expect(close(r.within.ss, 56.800900900900992))
        #expect(close(r.interaction.ss, 34.855555555555561))
        #expect(close(r.errorBetween.ss, 549.43333333333317))
        #expect(close(r.errorWithin.ss, 188.43333333333331))
        #expect(r.between.df1 == 2 && r.between.df2 == 12 && r.within.df1 == 2 && r.within.df2 == 24)
        #expect(r.interaction.df1 == 4 && r.interaction.df2 == 24)
        #expect(r.errorBetween.df == 12 && r.errorWithin.df == 24)
        #expect(close(r.errorBetween.ms, 45.7861111111110972))
        #expect(close(r.errorWithin.ms, 7.8513888888888879))

        #expect(close(r.between.f, 4.9528605229630553))
        #expect(near(r.between.p, 0.027023534963191154))
        #expect(close(r.between.partialEtaSquared, 0.45219789958789397))
        #expect(close(r.between.generalizedEtaSquared, 0.380678373917017254))
        #expect(r.between.pGreenhouseGeisser == nil && r.between.pHuynhFeldt == nil)

        #expect(close(r.within.f, 3.6172517821199999))
        #expect(near(r.within.p, 0.042356455271730327))
        #expect(close(r.within.partialEtaSquared, 0.23161897064766204))
        #expect(close(r.within.generalizedEtaSquared, 0.071477562718163204))
        #expect(near(r.within.pGreenhouseGeisser, 0.059142830482372843))
        #expect(near(r.within.pHuynhFeldt, 0.053119441615506656))
        #expect(near(r.within.pGreenhouseGeisser, 0.0591428305, abs: 5e-11))  // statistics.md

        #expect(close(r.interaction.f, 1.1098531753051479))
        #expect(near(r.interaction.p, 0.374847462232021034))
        #expect(close(r.interaction.partialEtaSquared, 0.15610071656050961))
        #expect(close(r.interaction.generalizedEtaSquared, 0.045107484362642912))
        #expect(near(r.interaction.pGreenhouseGeisser, 0.370917731032125109))
        #expect(near(r.interaction.pHuynhFeldt, 0.372618339645371666))

        #expect(close(r.between.etaSquared, 453.544444444444537 / 1282.3111111111111))
        #expect(r.between.sizeLabel == "large" && r.within.sizeLabel == "large" && r.interaction.sizeLabel == "large")

        let s = try #require(r.sphericity)
        #expect(close(s.mauchlyW, 0.65920516914150151))
        #expect(near(s.p, 0.10106791889458988))
        #expect(close(s.chiSquare, 4.5839250476816265))  // numpy: −(ν − (2p²+p+2)/(6p)) ln W
        #expect(s.df == 2)
        #expect(close(s.greenhouseGeisserEpsilon, 0.74582626438059108))
        #expect(close(s.huynhFeldtEpsilon, 0.82750798455682895))
        #expect(close(s.huynhFeldtEpsilonUncapped, 0.82750798455682895))
        #expect(s.lowerBoundEpsilon == 0.5)
    }

    @Test("5/4/6 b = 3, Type II: the within effect matches pingouin and afex type = 2; the rest is unchanged")
    func integerExampleTypeII() throws {
        let w = integer546.keepingLevels(3)
        let r2 = try w.run(.typeII)
        let r3 = try w.run(.typeIII)
        #expect(r2.type == .typeII)
        #expect(near(r2.within.ss, 56.0444444444, abs: 5e-11))  // statistics.md
        #expect(close(r2.within.ss, 56.044444444444522))
        #expect(close(r2.within.f, 3.5690783654696676))
        #expect(near(r2.within.p, 0.043956195576352462))
        #expect(close(r2.within.partialEtaSquared, 0.22924146707267218))
        #expect(close(r2.within.generalizedEtaSquared, 0.070592845546660815))
        #expect(near(r2.within.pGreenhouseGeisser, 0.060916672552737194))
        #expect(near(r2.within.pHuynhFeldt, 0.05484645368653504))
        // Only SS_B differs between the types.
        #expect(r2.between == r3.between && r2.interaction == r3.interaction)
        #expect(r2.errorBetween == r3.errorBetween && r2.errorWithin == r3.errorWithin)
        #expect(r2.ssTotal == r3.ssTotal && r2.sphericity == r3.sphericity)
        // The five Type II parts add up to SS_total.
        let parts = r2.between.ss + r2.errorBetween.ss + r2.within.ss + r2.interaction.ss + r2.errorWithin.ss
        #expect(close(parts, r2.ssTotal, rel: 1e-13))
    }

    // MARK: 5/4/6 restricted to b = 2, and the b = 2 identities

    @Test("5/4/6 restricted to t1, t2: afex/car values, no sphericity")
    func integerExampleTwoLevels() throws {
        let w = integer546.keepingLevels(2)
        let r3 = try w.run(.typeIII)
        let r2 = try w.run(.typeII)
        #expect(r3.sphericity == nil)
        #expect(r3.within.pGreenhouseGeisser == nil && r3.interaction.pHuynhFeldt == nil)
        #expect(r3.between.df2 == 12 && r3.within.df2 == 12 && r3.interaction.df2 == 12)

        #expect(close(r3.between.ss, 265.025000000000091))
        #expect(close(r3.errorBetween.ss, 386.64166666666665))
        #expect(close(r3.errorWithin.ss, 128.44166666666672))
        #expect(close(r3.interaction.ss, 27.225000000000012))
        #expect(close(r3.between.f, 4.1127228053537959))
        #expect(near(r3.between.p, 0.043621328018832957))
        #expect(close(r3.between.partialEtaSquared, 0.40668797953964203))
        #expect(close(r3.between.generalizedEtaSquared, 0.339728456517791377))

        #expect(close(r3.within.ss, 15.578603603603664))
        #expect(close(r3.within.f, 1.4554719515466987))
        #expect(close(r3.within.f, 1.45547, rel: 5e-6))  // statistics.md
        #expect(near(r3.within.p, 0.250898460548252877))
        #expect(close(r3.within.partialEtaSquared, 0.10816952068183630))
        #expect(close(r3.within.generalizedEtaSquared, 0.029356926734798009))

        #expect(close(r2.within.ss, 13.333333333333382))
        #expect(close(r2.within.f, 1.2457016803996668))
        #expect(near(r2.within.p, 0.286226093787238289))
        #expect(close(r2.within.partialEtaSquared, 0.094045729736084452))
        #expect(close(r2.within.generalizedEtaSquared, 0.025232613152499694))

        #expect(close(r3.interaction.f, 1.2717835593330307))
        #expect(near(r3.interaction.p, 0.315545389575295265))
        #expect(near(r3.interaction.p, 0.3155453896, abs: 5e-11))  // statistics.md, scipy f_oneway
        #expect(close(r3.interaction.partialEtaSquared, 0.17489293361884367))
        #expect(close(r3.interaction.generalizedEtaSquared, 0.050202068319068198))
    }

    @Test("b = 2: interaction F = one-way ANOVA F of the change scores; F_B = t² (Type III unweighted, Type II weighted)")
    func twoLevelIdentities() throws {
        for w in [integer546.keepingLevels(2), decimal574.keepingLevels(2)] {
            let r3 = try w.run(.typeIII)
            let r2 = try w.run(.typeII)
            let a = w.groupLabels.count
            var changes = [[Double]](repeating: [], count: a)
            for (row, g) in zip(w.values, w.groups) { changes[g].append(row[1] - row[0]) }
            let n = changes.map { Double($0.count) }
            let total = n.reduce(0, +)
            let means = changes.map { $0.reduce(0, +) / Double($0.count) }
            let grand = zip(means, n).map { $0 * $1 }.reduce(0, +) / total
            var ssBetween = 0.0, ssWithin = 0.0
            for j in 0..<a {
                ssBetween += n[j] * (means[j] - grand) * (means[j] - grand)
                for c in changes[j] { ssWithin += (c - means[j]) * (c - means[j]) }
            }
            let msWithin = ssWithin / (total - Double(a))
            let oneWayF = (ssBetween / Double(a - 1)) / msWithin
            #expect(close(r3.interaction.f, oneWayF, rel: 1e-12))

            let unweighted = means.reduce(0, +) / Double(a)
            let tIII = unweighted / (msWithin * n.map { 1 / $0 }.reduce(0, +) / Double(a * a)).squareRoot()
            #expect(close(r3.within.f, tIII * tIII, rel: 1e-12))
            let tII = grand / (msWithin / total).squareRoot()
            #expect(close(r2.within.f, tII * tII, rel: 1e-12))
        }
        // statistics.md's change scores, f_oneway = 1.2717835593.
        let r = try integer546.keepingLevels(2).run()
        #expect(close(r.interaction.f, 1.2717835593, rel: 1e-10))
    }

    // MARK: n = 5/7/4

    @Test("n = 5/7/4: pingouin Type II and afex Type III")
    func decimalExample() throws {
        let r2 = try decimal574.run(.typeII)
        // pingouin 0.7.0, as printed in statistics.md (six decimals).
        #expect(near(r2.between.ss, 62.900196, abs: 5e-7))
        #expect(near(r2.between.f, 2.221721, abs: 5e-7))
        #expect(near(r2.between.p, 0.147919, abs: 5e-7))
        #expect(near(r2.between.partialEtaSquared, 0.254734, abs: 5e-7))
        #expect(near(r2.between.generalizedEtaSquared, 0.221991, abs: 5e-7))
        #expect(near(r2.within.ss, 21.081667, abs: 5e-7))
        #expect(near(r2.within.f, 7.524757, abs: 5e-7))
        #expect(near(r2.within.p, 0.002640, abs: 5e-7))
        #expect(near(r2.within.partialEtaSquared, 0.366619, abs: 5e-7))
        #expect(near(r2.within.generalizedEtaSquared, 0.087285, abs: 5e-7))
        #expect(near(r2.interaction.ss, 7.637000, abs: 5e-7))
        #expect(near(r2.interaction.f, 1.362951, abs: 5e-7))
        #expect(near(r2.interaction.p, 0.273904, abs: 5e-7))
        #expect(near(r2.interaction.partialEtaSquared, 0.173338, abs: 5e-7))
        #expect(near(r2.interaction.generalizedEtaSquared, 0.033483, abs: 5e-7))
        #expect(near(r2.errorWithin.ss, 36.421333, abs: 5e-7))
        let s = try #require(r2.sphericity)
        #expect(near(s.greenhouseGeisserEpsilon, 0.983602, abs: 5e-7))
        #expect(near(s.mauchlyW, 0.983329, abs: 5e-7))
        #expect(near(s.chiSquare, 0.201737, abs: 5e-7))
        #expect(near(s.p, 0.904052, abs: 5e-7))
        // afex type = 2, full digits.
        #expect(close(r2.within.f, 7.5247565529359637))
        #expect(near(r2.within.p, 0.0026402763785433069))
        #expect(near(r2.within.pGreenhouseGeisser, 0.0028031256061175507))

        let r3 = try decimal574.run(.typeIII)
        // afex 1.2.1 / car 3.1.1, full digits (statistics.md gives the same values rounded).
        #expect(close(r3.between.ss, 62.9001964285714976))
        #expect(close(r3.errorBetween.ss, 184.024595238095259))
        #expect(close(r3.within.ss, 18.7577028112448758))
        #expect(close(r3.interaction.ss, 7.6370000000000173))
        #expect(close(r3.errorWithin.ss, 36.421333333333372))
        #expect(close(r3.between.f, 2.2217208317004231))
        #expect(near(r3.between.p, 0.1479185491749494819))
        #expect(close(r3.between.generalizedEtaSquared, 0.22199067105142684))
        #expect(close(r3.within.f, 6.6952556161091428))
        #expect(near(r3.within.p, 0.0045140098029740998))
        #expect(close(r3.within.partialEtaSquared, 0.33994256010736718))
        #expect(close(r3.within.generalizedEtaSquared, 0.07841729953186477))
        #expect(near(r3.within.pGreenhouseGeisser, 0.0047553739564861267))
        #expect(close(r3.interaction.f, 1.3629512007614601))
        #expect(near(r3.interaction.p, 0.2739040209176799023))
        #expect(close(r3.interaction.partialEtaSquared, 0.17333837715150388))
        #expect(close(r3.interaction.generalizedEtaSquared, 0.03348343537955030))
        #expect(near(r3.interaction.pGreenhouseGeisser, 0.2745610876828315505))
        let s3 = try #require(r3.sphericity)
        #expect(close(s3.mauchlyW, 0.98332909505833066))
        #expect(near(s3.p, 0.90405184405587868))
        #expect(close(s3.greenhouseGeisserEpsilon, 0.98360245693996107))
        // car prints the Lecoutre HF ε uncapped; afex warns and uses 1, so the HF p is the uncorrected p.
        #expect(close(s3.huynhFeldtEpsilonUncapped, 1.157497651091647))
        #expect(s3.huynhFeldtEpsilon == 1)
        #expect(r3.within.pHuynhFeldt == r3.within.p && r3.interaction.pHuynhFeldt == r3.interaction.p)
        // afex's GG-corrected dfs are df · ε̂.
        #expect(close(r3.within.df1 * s3.greenhouseGeisserEpsilon, 1.9672049138799221))
        #expect(close(r3.within.df2 * s3.greenhouseGeisserEpsilon, 25.573663880438989))
    }

    // MARK: b = 4: Mauchly's second-order term with R's 3b

    @Test("5/4/6 with four levels: Mauchly p includes the second-order term with 3b, as R car and pingouin")
    func fourLevels() throws {
        let r = try integer546.run(.typeIII)
        let s = try #require(r.sphericity)
        #expect(s.df == 5)
        #expect(close(s.mauchlyW, 0.62266180761178835))
        #expect(close(s.chiSquare, 5.07967156861409))  // numpy, same formula
        // car: 0.40795851512353004; pingouin: 0.407958515123531. With 3p instead of 3b it would be 0.407916124.
        #expect(near(s.p, 0.40795851512353004))
        #expect(close(s.greenhouseGeisserEpsilon, 0.82787627986162882))
        #expect(close(s.huynhFeldtEpsilonUncapped, 1.0608796989265521))
        #expect(s.huynhFeldtEpsilon == 1)
        #expect(close(s.lowerBoundEpsilon, 1.0 / 3.0, rel: 1e-15))
        #expect(close(r.between.f, 6.6439420014142936))
        #expect(close(r.errorWithin.ss, 328.82916666666654))
        #expect(close(r.within.ss, 146.403941441441589))
        #expect(close(r.within.f, 5.3427356067784935))
        #expect(near(r.within.p, 0.0037861413219875536))
        #expect(near(r.within.pGreenhouseGeisser, 0.006858952140162548))
        #expect(close(r.interaction.f, 1.7529618976418877))
        #expect(near(r.interaction.pGreenhouseGeisser, 0.153598174273167354))
        let r2 = try integer546.run(.typeII)
        #expect(close(r2.within.ss, 142.850000000000136))
        #expect(near(r2.within.pGreenhouseGeisser, 0.0076444637543039585))
    }

    // MARK: large N, scores 40 ± 10

    /// Deterministic scores reproducible bit-for-bit in R and Python: group j = [0,0,0,1,1,2,2][i mod 7],
    /// u = ((7919 i) mod 10007)/10007 − 0.5, v = ((104729 i + 613 i t + 1299709 t) mod 100003)/100003 − 0.5,
    /// y = 40 + 16u + 30v + 0.05 j t.
    private static func generated(subjects: Int, levels b: Int) -> Wide {
        let map = [0, 0, 0, 1, 1, 2, 2]
        var values: [[Double]] = []
        var groups: [Int] = []
        values.reserveCapacity(subjects)
        groups.reserveCapacity(subjects)
        for i in 0..<subjects {
            let j = map[i % 7]
            let u = Double((i * 7919) % 10007) / 10007 - 0.5
            var row = [Double](repeating: 0, count: b)
            for t in 0..<b {
                let v = Double((i * 104729 + t * i * 613 + t * 1299709) % 100003) / 100003 - 0.5
                row[t] = 40 + 16 * u + 30 * v + 0.05 * Double(j) * Double(t)
            }
            values.append(row)
            groups.append(j)
        }
        return Wide(values: values, groups: groups, groupLabels: ["A", "B", "C"],
                    levelLabels: (1...b).map { "t\($0)" })
    }

    @Test("N = 70,000, b = 3, scores 40 ± 10: SS to 1e-9 of the exact values; F, p, ε as R car")
    func largeSampleThreeLevels() throws {
        let w = Self.generated(subjects: 70_000, levels: 3)
        let r3 = try w.run(.typeIII)
        let r2 = try w.run(.typeII)
        #expect(r3.groupSizes == [30_000, 20_000, 20_000])
        // Exact values: the same doubles summed as Python fractions.Fraction (exact rational arithmetic);
        // R car's Sum Sq agree with them to better than 1e-11.
        #expect(close(r3.between.ss, 322.8127716014894))
        #expect(close(r3.errorBetween.ss, 9726832.540037375))
        #expect(close(r2.within.ss, 251.63671216424635))
        #expect(close(r3.within.ss, 346.76369217547835))
        #expect(close(r3.interaction.ss, 300.15662222666975))
        #expect(close(r3.errorWithin.ss, 10502764.628227169))
        #expect(close(r3.ssTotal, 20230471.774370536))
        // R car 3.1.1 (lm(Y ~ g) with contr.sum, Anova(..., idata, idesign = ~time, type = 3 / 2)).
        #expect(close(r3.between.f, 1.1615253722506080, rel: 1e-9))
        #expect(near(r3.between.p, 0.313014395212457497))
        #expect(close(r3.within.f, 2.3110503777390448, rel: 1e-9))
        #expect(near(r3.within.p, 0.099160827448215111))
        #expect(close(r2.within.f, 1.6770646172689456, rel: 1e-9))
        #expect(near(r2.within.p, 0.18692561404583877))
        #expect(close(r3.interaction.f, 1.0002158398139953, rel: 1e-9))
        #expect(near(r3.interaction.p, 0.405892887851981077))
        let s = try #require(r3.sphericity)
        #expect(close(s.mauchlyW, 0.99999717614010664, rel: 1e-12))
        #expect(near(s.p, 0.90589707052061041))
        #expect(close(s.greenhouseGeisserEpsilon, 0.99999717614808081, rel: 1e-12))
        #expect(close(s.huynhFeldtEpsilonUncapped, 1.0000257494158944, rel: 1e-12))
        #expect(near(r3.within.pGreenhouseGeisser, 0.099160987941181472))
        #expect(near(r3.interaction.pGreenhouseGeisser, 0.405892756250886666))
    }

    @Test("N = 70,000, b = 2, scores 40 ± 10: SS to 1e-9 of the exact values")
    func largeSampleTwoLevels() throws {
        let w = Self.generated(subjects: 70_000, levels: 2)
        let r3 = try w.run(.typeIII)
        let r2 = try w.run(.typeII)
        // Exact rational arithmetic (Python fractions) on the same doubles.
        #expect(close(r3.between.ss, 35.87336027828095))
        #expect(close(r3.errorBetween.ss, 8239840.391781747))
        #expect(close(r2.within.ss, 64.18531652833357))
        #expect(close(r3.within.ss, 87.54757705362165))
        #expect(close(r3.interaction.ss, 72.60230059088752))
        #expect(close(r3.errorWithin.ss, 5242858.832755321))
        // R car 3.1.1, type 2.
        #expect(close(r2.between.f, 0.15237113099311642, rel: 1e-9))
        #expect(near(r2.between.p, 0.85866982752496379))
        #expect(close(r2.within.f, 0.85693316267583386, rel: 1e-9))
        #expect(near(r2.within.p, 0.35460154116021059))
        #expect(close(r2.interaction.f, 0.48465383072172419, rel: 1e-9))
        #expect(near(r2.interaction.p, 0.61591243591161260))
    }

    @Test("Two levels from each group's n, means and sums of squares of totals and differences: the table of the scores")
    func twoLevelsFromGroupSummaries() throws {
        let w = Self.generated(subjects: 70_000, levels: 2)
        let summaries = (0..<3).map { j -> MixedANOVA.TwoLevelGroup in
            let rows = zip(w.values, w.groups).filter { $0.1 == j }.map(\.0)
            return MixedANOVA.TwoLevelGroup(
                n: rows.count, mean1: Descriptive.mean(rows.map { $0[0] }), mean2: Descriptive.mean(rows.map { $0[1] }),
                ssTotals: Descriptive.sumOfSquares(rows.map { $0[0] + $0[1] }),
                ssDifferences: Descriptive.sumOfSquares(rows.map { $0[1] - $0[0] }))
        }
        for type in [SumOfSquaresType.typeIII, .typeII] {
            let scores = try w.run(type)
            let sums = try MixedANOVA.compute(twoLevelGroups: summaries, groupLabels: w.groupLabels,
                                              levelLabels: w.levelLabels, type: type)
            #expect(sums.groupSizes == scores.groupSizes)
            #expect(sums.sphericity == nil)
            for (x, y) in [(sums.between, scores.between), (sums.within, scores.within), (sums.interaction, scores.interaction)] {
                #expect(x.name == y.name && x.df1 == y.df1 && x.df2 == y.df2)
                for (u, v) in [(x.ss, y.ss), (x.f, y.f), (x.partialEtaSquared, y.partialEtaSquared),
                               (x.generalizedEtaSquared, y.generalizedEtaSquared), (x.etaSquared, y.etaSquared)] {
                    #expect(close(u, v, rel: 1e-12), "\(x.name): \(u) against \(v)")
                }
                #expect(near(x.p, y.p, abs: 1e-13))
            }
            #expect(close(sums.errorBetween.ss, scores.errorBetween.ss, rel: 1e-12))
            #expect(close(sums.errorWithin.ss, scores.errorWithin.ss, rel: 1e-12))
            for j in 0..<3 { for t in 0..<2 { #expect(close(sums.cellMeans[j][t], scores.cellMeans[j][t], rel: 1e-15)) } }
        }
        // And the exact values (Python fractions on the same doubles), as for the scores above.
        let r3 = try MixedANOVA.compute(twoLevelGroups: summaries, groupLabels: w.groupLabels, levelLabels: w.levelLabels)
        #expect(close(r3.between.ss, 35.87336027828095))
        #expect(close(r3.errorBetween.ss, 8239840.391781747))
        #expect(close(r3.within.ss, 87.54757705362165))
        #expect(close(r3.interaction.ss, 72.60230059088752))
        #expect(close(r3.errorWithin.ss, 5242858.832755321))
        // What cannot be computed is refused as from the scores.
        #expect(throws: MixedANOVAError.tooFewGroups(count: 1)) {
            try MixedANOVA.compute(twoLevelGroups: [summaries[0]], groupLabels: ["A"], levelLabels: w.levelLabels)
        }
        var empty = summaries
        empty[1].n = 0
        #expect(throws: MixedANOVAError.emptyGroup(group: 1, label: "B")) {
            try MixedANOVA.compute(twoLevelGroups: empty, groupLabels: w.groupLabels, levelLabels: w.levelLabels)
        }
        let flat = summaries.map { MixedANOVA.TwoLevelGroup(n: $0.n, mean1: $0.mean1, mean2: $0.mean2, ssTotals: 0, ssDifferences: $0.ssDifferences) }
        #expect(throws: MixedANOVAError.zeroErrorVariance(term: .betweenSubjects)) {
            try MixedANOVA.compute(twoLevelGroups: flat, groupLabels: w.groupLabels, levelLabels: w.levelLabels)
        }
    }

    // MARK: invariance

    @Test("Permuting subjects (and renumbering groups) leaves every statistic unchanged")
    func permutationInvariance() throws {
        for w in [decimal574, integer546] {
            let base = try w.run()
            let n = w.values.count
            // A fixed scramble: i -> (7 i + 3) mod n visits every index when gcd(7, n) = 1.
            let order = (0..<n).map { (7 * $0 + 3) % n }
            #expect(Set(order).count == n)
            let shuffled = Wide(values: order.map { w.values[$0] }, groups: order.map { w.groups[$0] },
                                groupLabels: w.groupLabels, levelLabels: w.levelLabels)
            let r = try shuffled.run()
            for (x, y) in [(r.between, base.between), (r.within, base.within), (r.interaction, base.interaction)] {
                #expect(close(x.ss, y.ss, rel: 1e-13) && close(x.f, y.f, rel: 1e-12) && near(x.p, y.p, abs: 1e-14))
                #expect(close(x.generalizedEtaSquared, y.generalizedEtaSquared, rel: 1e-12))
            }
            #expect(close(r.errorWithin.ss, base.errorWithin.ss, rel: 1e-13))
            #expect(close(r.sphericity?.mauchlyW ?? .nan, base.sphericity!.mauchlyW, rel: 1e-12))
            #expect(close(r.sphericity?.greenhouseGeisserEpsilon ?? .nan, base.sphericity!.greenhouseGeisserEpsilon, rel: 1e-12))

            // Relabelling groups (reverse order) permutes the group sizes and nothing else.
            let relabelled = Wide(values: w.values, groups: w.groups.map { 2 - $0 },
                                  groupLabels: w.groupLabels.reversed(), levelLabels: w.levelLabels)
            let q = try relabelled.run()
            #expect(q.groupSizes == base.groupSizes.reversed())
            #expect(close(q.within.ss, base.within.ss, rel: 1e-13) && close(q.interaction.ss, base.interaction.ss, rel: 1e-13))
        }
    }

    // MARK: bad input

    private func thrown(_ values: [[Double]], _ groups: [Int], _ groupLabels: [String], _ levelLabels: [String]) -> MixedANOVAError? {
        do {
            _ = try MixedANOVA.compute(values: values, groups: groups, groupLabels: groupLabels, levelLabels: levelLabels)
            return nil
        } catch {
            return error
        }
    }

    @Test("Bad input throws a typed error naming the problem")
    func errors() {
        let labels = ["A", "B"], levels = ["pre", "post"]
        #expect(thrown([[1, 2], [3, 4]], [0, 0], ["A"], levels)
                == .tooFewGroups(count: 1))
        #expect(thrown([[1], [3]], [0, 1], labels, ["pre"])
                == .tooFewLevels(count: 1))
        #expect(thrown([[1, 2], [3, 4]], [0], labels, levels)
                == .subjectCountMismatch(values: 2, groups: 1))
        #expect(thrown([[1, 2], [3, 4]], [0, 2], labels, levels)
                == .groupIndexOutOfRange(subject: 1, group: 2, groupCount: 2))
        #expect(thrown([[1, 2], [3, 4], [5]], [0, 1, 1], labels, levels)
                == .raggedRow(subject: 2, count: 1, expected: 2))
        let nan = thrown([[1, 2], [3, .nan], [5, 6]], [0, 1, 1], labels, levels)
        guard case .nonFiniteValue(subject: 1, level: 1, levelLabel: "post", let v)? = nan, v.isNaN else {
            Issue.record("expected nonFiniteValue for subject 1, level 1; got \(String(describing: nan))"); return
        }
        #expect(thrown([[1, 2], [3, .infinity]], [0, 1], labels, levels)
                == .nonFiniteValue(subject: 1, level: 1, levelLabel: "post", value: .infinity))
        #expect(thrown([[1, 2], [3, 4]], [0, 0], labels, levels)
                == .emptyGroup(group: 1, label: "B"))
        #expect(thrown([[1, 2], [3, 5]], [0, 1], labels, levels)
                == .noErrorDegreesOfFreedom(subjects: 2, groups: 2))
        // Subjects identical within each group: no between-subjects (or within) error.
        #expect(thrown([[1, 2], [1, 2], [3, 5], [3, 5]], [0, 0, 1, 1], labels, levels)
                == .zeroErrorVariance(term: .betweenSubjects))
        // Each subject's change equals the group's mean change: no within-subjects error.
        #expect(thrown([[1.1, 2.1], [4.1, 5.1], [3, 5], [6, 8]], [0, 0, 1, 1], labels, levels)
                == .zeroErrorVariance(term: .withinSubjects))
        // Messages name the subject and the level.
        #expect(MixedANOVAError.raggedRow(subject: 2, count: 1, expected: 2).description.contains("index 2"))
        #expect(MixedANOVAError.nonFiniteValue(subject: 4, level: 1, levelLabel: "post", value: .nan).description.contains("(post)"))
    }

    @Test("Size labels use Cohen's .01 / .06 / .14 on partial η²")
    func sizeLabels() {
        #expect(ANOVAEffect.sizeLabel(partialEtaSquared: 0.0099) == "negligible")
        #expect(ANOVAEffect.sizeLabel(partialEtaSquared: 0.01) == "small")
        #expect(ANOVAEffect.sizeLabel(partialEtaSquared: 0.0599) == "small")
        #expect(ANOVAEffect.sizeLabel(partialEtaSquared: 0.06) == "medium")
        #expect(ANOVAEffect.sizeLabel(partialEtaSquared: 0.1399) == "medium")
        #expect(ANOVAEffect.sizeLabel(partialEtaSquared: 0.14) == "large")
    }

    @Test("The result round-trips through JSON")
    func codable() throws {
        let r = try decimal574.run()
        let data = try JSONEncoder().encode(r)
        #expect(try JSONDecoder().decode(MixedANOVAResult.self, from: data) == r)
    }
}
