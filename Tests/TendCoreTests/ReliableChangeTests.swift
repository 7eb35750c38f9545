import Foundation
import Testing
@testable import TendCore

/// Reference data and tolerances for the reliable change tests. Every expected value is from
/// /work/shared/reference/statistics.md §1.6 / §1.6b (ports of R `clinicalsignificance` checked against the
/// package's own snapshots) unless a comment names another source.
enum RCIReference {
    /// statistics.md §1.6 worked example: r_xx = 0.85, lower is better.
    static let pre: [Double] = [30, 28, 25, 35, 22, 27, 31, 26, 33, 18]
    static let post: [Double] = [15, 26, 24, 20, 28, 12, 30, 14, 35, 10]

    /// statistics.md §1.6b `claus_2020` (hamd, pre = 1, post = 4), the 40 complete pairs as `id:pre>post`.
    static let claus = """
        1:25>13 2:15>11 3:28>4 5:30>25 6:21>9 7:26>17 8:31>15 9:21>2 10:27>8 11:28>7 12:23>13 13:24>30 \
        14:28>9 15:26>8 16:27>14 18:32>27 19:27>20 20:25>28 21:28>14 22:25>24 23:22>10 24:24>18 25:24>22 \
        26:21>8 28:18>20 29:27>2 30:25>13 31:27>18 32:22>2 33:23>16 34:25>16 35:25>24 36:26>8 37:22>6 \
        38:24>22 39:23>20 40:26>18 41:28>24 42:24>9 43:21>25
        """
    static let clausPairs: [(id: Int, pre: Double, post: Double)] = claus.split(separator: " ").map { token in
        let idAndScores = token.split(separator: ":")
        let scores = idAndScores[1].split(separator: ">")
        return (Int(idAndScores[0])!, Double(scores[0])!, Double(scores[1])!)
    }
    static var clausPre: [Double] { clausPairs.map(\.pre) }
    static var clausPost: [Double] { clausPairs.map(\.post) }
}

/// |actual − printed| within half a unit of the printed last decimal.
func matchesPrinted(_ actual: Double, _ printed: Double, decimals: Int) -> Bool {
    abs(actual - printed) <= 0.5 * pow(10, Double(-decimals)) + 1e-12
}

/// Relative closeness.
func relativelyClose(_ actual: Double, _ expected: Double, _ tolerance: Double = 1e-9) -> Bool {
    abs(actual - expected) <= tolerance * max(abs(expected), 1e-300)
}

@Suite("ReliableChange")
struct ReliableChangeTests {
    typealias Ref = RCIReference

    // MARK: §1.6 worked example

    @Test("worked example intermediates to the printed digits")
    func workedExampleIntermediates() throws {
        let jt = try ReliableChange.compute(pre: Ref.pre, post: Ref.post, reliability: 0.85, direction: .lowerIsBetter)
        #expect(jt.nGiven == 10 && jt.nUsed == 10)
        #expect(matchesPrinted(jt.meanPre, 27.5, decimals: 6))
        #expect(matchesPrinted(jt.sdPre, 5.104464, decimals: 6))
        #expect(jt.sdPreSource == .sample)
        #expect(matchesPrinted(jt.meanPost, 21.4, decimals: 6))
        #expect(matchesPrinted(jt.sdPost, 8.474799, decimals: 6))
        #expect(matchesPrinted(jt.sem, 1.976951, decimals: 6))
        #expect(matchesPrinted(jt.sDiff, 2.795830, decimals: 6))
        #expect(matchesPrinted(jt.sep, 2.688943, decimals: 6))
        #expect(matchesPrinted(try #require(jt.rPrePost), 0.416095, decimals: 6))
        #expect(matchesPrinted(jt.criticalValue, 1.959964, decimals: 6))
        #expect(jt.rDD == nil && jt.reliabilityPost == nil)

        let ha = try ReliableChange.compute(
            pre: Ref.pre, post: Ref.post, reliability: 0.85, direction: .lowerIsBetter, method: .hagemanArrindell)
        #expect(matchesPrinted(try #require(ha.reliabilityPost), 0.945583, decimals: 6))
        #expect(matchesPrinted(try #require(ha.rDD), 0.873676, decimals: 6))
        #expect(matchesPrinted(ha.criticalValue, 1.644854, decimals: 6))
    }

    static let workedVectors: [(ReliableChangeMethod, [Double])] = [
        (.jacobsonTruax, [-5.3651, -0.7154, -0.3577, -5.3651, 2.1461, -5.3651, -0.3577, -4.2921, 0.7154, -2.8614]),
        (.gulliksenLordNovick, [-5.4389, -0.7159, -0.5114, -5.1600, 1.9245, -5.6063, -0.1766, -4.5464, 1.0506, -3.5051]),
        (.hsuLinnLord, [-3.1704, 1.5527, 1.7572, -2.8915, 4.1931, -3.3377, 2.0919, -2.2778, 3.3191, -1.2365]),
        (.edwardsNunnally, [-7.3978, -0.9737, -0.6955, -7.0184, 2.6177, -7.6254, -0.2403, -6.1838, 1.4290, -4.7674]),
        (.hagemanArrindell, [-5.3097, -0.9635, -0.6292, -5.3097, 1.7111, -5.3097, -0.6292, -4.3067, 0.3738, -2.9694]),
    ]

    @Test("worked example RCI vectors to 4 decimals", arguments: workedVectors)
    func workedExampleVector(method: ReliableChangeMethod, expected: [Double]) throws {
        let result = try ReliableChange.compute(
            pre: Ref.pre, post: Ref.post, reliability: 0.85, direction: .lowerIsBetter, method: method)
        #expect(result.method == method)
        #expect(result.rci.count == expected.count)
        for (actual, printed) in zip(result.rci, expected) {
            #expect(matchesPrinted(actual, printed, decimals: 4), "\(method): \(actual) vs \(printed)")
        }
        // Categories follow §1.4 from the printed values (none lies within 1e-4 of ±cv).
        let cv = method == .hagemanArrindell ? 1.644854 : 1.959964
        let expectedCategories: [ReliableChangeCategory] = expected.map {
            -$0 > cv ? .improved : (-$0 < -cv ? .deteriorated : .unchanged)
        }
        #expect(result.categories == expectedCategories)
        #expect(result.counts == ReliableChangeCounts(categories: expectedCategories))
    }

    @Test("worked example: JT categories and counts")
    func workedExampleJTCategories() throws {
        let r = try ReliableChange.compute(pre: Ref.pre, post: Ref.post, reliability: 0.85, direction: .lowerIsBetter)
        // P1, P4, P6, P8, P10 improved (RCI < −1.96); P5 deteriorated (2.1461); the rest unchanged.
        #expect(r.categories == [.improved, .unchanged, .unchanged, .improved, .deteriorated,
                                 .improved, .unchanged, .improved, .unchanged, .improved])
        #expect(r.counts == ReliableChangeCounts(improved: 5, unchanged: 4, deteriorated: 1))
        #expect(r.counts.total == 10)
        #expect(abs(r.counts.proportion(of: .improved) - 0.5) < 1e-15)
    }

    // MARK: §1.6b claus_2020

    @Test("claus_2020 intermediates at full precision")
    func clausIntermediates() throws {
        let r = try ReliableChange.compute(
            pre: Ref.clausPre, post: Ref.clausPost, reliability: 0.80, direction: .lowerIsBetter,
            method: .hagemanArrindell)
        #expect(r.nUsed == 40)
        #expect(relativelyClose(r.meanPre, 24.85))
        #expect(relativelyClose(r.sdPre, 3.3401212937))
        #expect(relativelyClose(r.meanPost, 14.975))
        #expect(relativelyClose(r.sdPost, 7.7110892509))
        #expect(relativelyClose(r.sem, 1.4937476531))
        #expect(relativelyClose(r.sDiff, 2.1124781898))
        #expect(relativelyClose(r.sep, 2.0040727762))
        #expect(relativelyClose(try #require(r.rPrePost), 0.1631187447))
        #expect(relativelyClose(try #require(r.reliabilityPost), 0.9624748003))
        #expect(relativelyClose(try #require(r.rDD), 0.9282715986))
        let jt = try ReliableChange.compute(
            pre: Ref.clausPre, post: Ref.clausPost, reliability: 0.80, direction: .lowerIsBetter)
        #expect(relativelyClose(jt.criticalValue, 1.959963984540054, 1e-15))
        // The package's raw JT threshold cv·S_diff (statistics.md §1.6b).
        #expect(relativelyClose(jt.jtBandHalfWidth, 4.1403811703))
    }

    static let clausCounts: [(ReliableChangeMethod, Int, Int, Int)] = [
        (.jacobsonTruax, 29, 10, 1),
        (.gulliksenLordNovick, 29, 10, 1),
        (.hsuLinnLord, 12, 16, 12),
        (.edwardsNunnally, 32, 5, 3),
        (.hagemanArrindell, 32, 7, 1),
    ]

    @Test("claus_2020 category counts equal the package snapshots", arguments: clausCounts)
    func clausCategoryCounts(method: ReliableChangeMethod, improved: Int, unchanged: Int, deteriorated: Int) throws {
        let r = try ReliableChange.compute(
            pre: Ref.clausPre, post: Ref.clausPost, reliability: 0.80, direction: .lowerIsBetter, method: method)
        #expect(r.counts == ReliableChangeCounts(improved: improved, unchanged: unchanged, deteriorated: deteriorated))
    }

    /// (id, JT, GLN, HLL, EN, HA) from statistics.md §1.6b.
    static let clausSpots: [(Int, [ReliableChangeMethod: Double])] = [
        (1, [.jacobsonTruax: -5.6805320205, .gulliksenLordNovick: -5.9728369858, .hsuLinnLord: -1.0453712185,
             .edwardsNunnally: -8.0134017113, .hagemanArrindell: -5.8210292298]),
        (3, [.jacobsonTruax: -11.361064041, .gulliksenLordNovick: -11.661253163, .hsuLinnLord: -6.7337873955,
             .edwardsNunnally: -15.645212865, .hagemanArrindell: -11.294043037]),
        (13, [.jacobsonTruax: 2.8402660102, .gulliksenLordNovick: 2.9090759923, .hsuLinnLord: 7.8365417596,
              .edwardsNunnally: 3.9029350023, .hagemanArrindell: 2.3884914803]),
        (43, [.jacobsonTruax: 1.8935106735, .gulliksenLordNovick: 1.6117179168, .hsuLinnLord: 6.5391836842,
              .edwardsNunnally: 2.1623464935, .hagemanArrindell: 1.4763225126]),
    ]

    @Test("claus_2020 spot RCIs to 1e-9 relative", arguments: ReliableChangeMethod.allCases)
    func clausSpotValues(method: ReliableChangeMethod) throws {
        let r = try ReliableChange.compute(
            pre: Ref.clausPre, post: Ref.clausPost, reliability: 0.80, direction: .lowerIsBetter, method: method)
        for (id, values) in Self.clausSpots {
            let k = try #require(Ref.clausPairs.firstIndex { $0.id == id })
            let expected = try #require(values[method])
            #expect(relativelyClose(r.rci[k], expected), "id \(id) \(method): \(r.rci[k]) vs \(expected)")
        }
    }

    // MARK: Package JT unit test

    /// `tests/testthat/test-calc_rci_jt.R` before commit 8943a17: change = (−8, −4, 0, 4, 8), sd_pre = 5, r = 0.80.
    static let jtUnitRCI = [-2.5298221281, -1.2649110641, 0, 1.2649110641, 2.5298221281]

    @Test("package JT unit vector with the sample SD")
    func jtUnitVectorSample() throws {
        let pre: [Double] = [10, 10, 15, 20, 20]  // sample SD exactly 5
        let post = zip(pre, [-8.0, -4, 0, 4, 8]).map { $0 + $1 }
        let r = try ReliableChange.compute(pre: pre, post: post, reliability: 0.80, direction: .higherIsBetter)
        #expect(r.sdPreSource == .sample)
        #expect(relativelyClose(r.sdPre, 5, 1e-15))
        #expect(relativelyClose(r.sDiff, 3.162277660168, 1e-12))
        for (a, e) in zip(r.rci, Self.jtUnitRCI) { #expect(abs(a - e) <= 1e-10) }
        #expect(r.categories == [.deteriorated, .unchanged, .unchanged, .unchanged, .improved])
    }

    @Test("a supplied SD replaces the sample SD and is recorded as supplied")
    func jtUnitVectorSupplied() throws {
        let pre: [Double] = [12, 13, 14, 15, 16]  // sample SD 1.58…, not 5
        let post = zip(pre, [-8.0, -4, 0, 4, 8]).map { $0 + $1 }
        let r = try ReliableChange.compute(
            pre: pre, post: post, reliability: 0.80, direction: .higherIsBetter, sdPre: 5)
        #expect(r.sdPreSource == .supplied)
        #expect(r.sdPre == 5)
        #expect(relativelyClose(r.sdPreSample, 1.5811388300841898, 1e-12))  // sqrt(2.5)
        #expect(relativelyClose(r.sDiff, 3.162277660168, 1e-12))
        for (a, e) in zip(r.rci, Self.jtUnitRCI) { #expect(abs(a - e) <= 1e-10) }
        // A supplied SD also makes the RCI computable when every pre score is equal.
        let flat = try ReliableChange.compute(
            pre: [20, 20, 20], post: [12, 20, 28], reliability: 0.80, direction: .higherIsBetter, sdPre: 5)
        #expect(abs(flat.rci[0] - -2.5298221281) <= 1e-10)
    }

    // MARK: Bands and thresholds

    /// Band (slope, intercept, half-width) for the worked example: statistics.md §1.6b band formulas and
    /// `generate_plotting_band.cs_ha`, evaluated with numpy/scipy.
    static let workedBands: [(ReliableChangeMethod, Double, Double, Double)] = [
        (.jacobsonTruax, 1, 0, 5.479726554773734),
        (.gulliksenLordNovick, 0.85, 4.125, 5.2702322417005965),
        (.hsuLinnLord, 0.85, -1.9750000000000014, 5.2702322417005965),
        (.edwardsNunnally, 0.85, 4.125, 3.8747518059285047),
        (.hagemanArrindell, 1, 0.8819956838968236, 4.919975311272679),
    ]

    @Test("worked example no-change band", arguments: workedBands)
    func workedBand(method: ReliableChangeMethod, slope: Double, intercept: Double, halfWidth: Double) throws {
        let r = try ReliableChange.compute(
            pre: Ref.pre, post: Ref.post, reliability: 0.85, direction: .lowerIsBetter, method: method)
        #expect(abs(r.band.slope - slope) <= 1e-12)
        #expect(abs(r.band.intercept - intercept) <= 1e-9)
        #expect(relativelyClose(r.band.halfWidth, halfWidth))
        #expect(relativelyClose(r.jtBandHalfWidth, 5.479726554773734))
        // A participant is unchanged exactly when the post score lies inside the band.
        for (k, (x, y)) in zip(Ref.pre, Ref.post).enumerated() {
            let inside = y >= r.band.lower(atPre: x) && y <= r.band.upper(atPre: x)
            #expect(inside == (r.categories[k] == .unchanged), "\(method) participant \(k + 1)")
        }
    }

    @Test("significance level sets the critical value: two-sided, HA one-sided")
    func criticalValues() throws {
        // scipy.stats.norm.ppf(0.95) and norm.ppf(0.90).
        let jt = try ReliableChange.compute(
            pre: Ref.pre, post: Ref.post, reliability: 0.85, direction: .lowerIsBetter, significanceLevel: 0.10)
        #expect(relativelyClose(jt.criticalValue, 1.6448536269514722, 1e-14))
        let ha = try ReliableChange.compute(
            pre: Ref.pre, post: Ref.post, reliability: 0.85, direction: .lowerIsBetter, method: .hagemanArrindell,
            significanceLevel: 0.10)
        #expect(relativelyClose(ha.criticalValue, 1.2815515655446004, 1e-14))
        // 2·(1 − Φ(1.959964)) ≈ 0.05.
        #expect(abs(ReliableChangeResult.twoSidedP(rci: -1.959963984540054) - 0.05) < 1e-14)
    }

    @Test("|RCI| equal to the critical value counts as unchanged (strict comparisons, §1.4)")
    func boundaryIsUnchanged() {
        let cv = 1.959963984540054
        for direction in Direction.allCases {
            #expect(ReliableChange.classify(rci: cv, criticalValue: cv, direction: direction) == .unchanged)
            #expect(ReliableChange.classify(rci: -cv, criticalValue: cv, direction: direction) == .unchanged)
        }
        let above = cv.nextUp
        #expect(ReliableChange.classify(rci: above, criticalValue: cv, direction: .higherIsBetter) == .improved)
        #expect(ReliableChange.classify(rci: above, criticalValue: cv, direction: .lowerIsBetter) == .deteriorated)
        #expect(ReliableChange.classify(rci: -above, criticalValue: cv, direction: .lowerIsBetter) == .improved)
        #expect(ReliableChange.classify(rci: -above, criticalValue: cv, direction: .higherIsBetter) == .deteriorated)
    }

    // MARK: Missing values

    @Test("incomplete pairs (NaN) are dropped and their positions recorded")
    func incompletePairsDropped() throws {
        var pre = Ref.pre, post = Ref.post
        pre.insert(.nan, at: 3); post.insert(40, at: 3)
        pre.append(20); post.append(.nan)
        let r = try ReliableChange.compute(pre: pre, post: post, reliability: 0.85, direction: .lowerIsBetter)
        #expect(r.nGiven == 12 && r.nUsed == 10)
        #expect(r.pairIndices == [0, 1, 2, 4, 5, 6, 7, 8, 9, 10])
        #expect(matchesPrinted(r.sdPre, 5.104464, decimals: 6))
        for (a, e) in zip(r.rci, Self.workedVectors[0].1) { #expect(matchesPrinted(a, e, decimals: 4)) }
    }

    // MARK: Errors (statistics.md §1.7)

    @Test("reliability must lie strictly between 0 and 1", arguments: [1.0, 0.0, 1.2, -0.1])
    func reliabilityRejected(r: Double) {
        #expect(throws: ReliableChangeError.reliabilityOutOfRange(r)) {
            try ReliableChange.compute(pre: Ref.pre, post: Ref.post, reliability: r, direction: .lowerIsBetter)
        }
    }

    @Test("NaN reliability is rejected")
    func reliabilityNaN() {
        do {
            _ = try ReliableChange.compute(pre: Ref.pre, post: Ref.post, reliability: .nan, direction: .lowerIsBetter)
            Issue.record("expected an error")
        } catch {
            guard case .reliabilityOutOfRange(let v) = error, v.isNaN else {
                Issue.record("unexpected \(error)"); return
            }
        }
    }

    @Test("reliability 1 explains why in its message")
    func reliabilityOneMessage() {
        let e = ReliableChangeError.reliabilityOutOfRange(1)
        #expect(e.description.contains("reliability 1.0"))
        #expect(e.description.contains("SEM 0"))
        #expect(e.field == "reliability")
    }

    @Test("all pre scores equal: not computable")
    func zeroPreSD() {
        #expect(throws: ReliableChangeError.preSDZero(preValue: 20, nUsed: 3)) {
            try ReliableChange.compute(pre: [20, 20, 20], post: [10, 20, 30], reliability: 0.8, direction: .lowerIsBetter)
        }
        let message = ReliableChangeError.preSDZero(preValue: 20, nUsed: 3).description
        #expect(message.contains("sd_pre is 0") && message.contains("not computable") && message.contains("20"))
    }

    @Test("HA with r_dd ≤ 0 is an error carrying r_dd")
    func haNonPositiveRDD() {
        // pre 10…18, post = pre + (0,1,0,1,0), r = 0.5: numpy gives r_dd = −32.333333333332874.
        let pre: [Double] = [10, 12, 14, 16, 18]
        let post: [Double] = [10, 13, 14, 17, 18]
        do {
            _ = try ReliableChange.compute(
                pre: pre, post: post, reliability: 0.5, direction: .lowerIsBetter, method: .hagemanArrindell)
            Issue.record("expected an error")
        } catch {
            guard case .differenceReliabilityNotPositive(let rdd) = error else {
                Issue.record("unexpected \(error)"); return
            }
            #expect(relativelyClose(rdd, -32.333333333332874, 1e-9))
            #expect(error.description.contains("r_dd"))
        }
        // The other methods are fine on the same data.
        #expect(throws: Never.self) {
            try ReliableChange.compute(pre: pre, post: post, reliability: 0.5, direction: .lowerIsBetter)
        }
    }

    @Test("mismatched lengths")
    func lengthMismatch() {
        #expect(throws: ReliableChangeError.lengthMismatch(preCount: 3, postCount: 2)) {
            try ReliableChange.compute(pre: [1, 2, 3], post: [1, 2], reliability: 0.8, direction: .lowerIsBetter)
        }
        #expect(ReliableChangeError.lengthMismatch(preCount: 3, postCount: 2).description.contains("3"))
    }

    @Test("fewer than 2 complete pairs")
    func tooFewPairs() {
        #expect(throws: ReliableChangeError.tooFewCompletePairs(found: 1)) {
            try ReliableChange.compute(
                pre: [1, .nan, 3], post: [2, 4, .nan], reliability: 0.8, direction: .lowerIsBetter)
        }
        #expect(throws: ReliableChangeError.tooFewCompletePairs(found: 0)) {
            try ReliableChange.compute(pre: [], post: [], reliability: 0.8, direction: .lowerIsBetter)
        }
    }

    @Test("infinite scores are rejected with field and position")
    func infiniteScores() {
        #expect(throws: ReliableChangeError.nonFiniteScore(field: "post", index: 2, value: .infinity)) {
            try ReliableChange.compute(
                pre: [1, 2, 3], post: [2, 4, .infinity], reliability: 0.8, direction: .lowerIsBetter)
        }
        #expect(throws: ReliableChangeError.nonFiniteScore(field: "pre", index: 0, value: -.infinity)) {
            try ReliableChange.compute(
                pre: [-.infinity, 2, 3], post: [2, 4, 5], reliability: 0.8, direction: .lowerIsBetter)
        }
        #expect(ReliableChangeError.nonFiniteScore(field: "post", index: 2, value: .infinity).description
            .contains("post[2] is inf"))
    }

    @Test("significance level must lie strictly between 0 and 1", arguments: [0.0, 1.0, -0.05, 1.5])
    func significanceLevelRejected(alpha: Double) {
        #expect(throws: ReliableChangeError.significanceLevelOutOfRange(alpha)) {
            try ReliableChange.compute(
                pre: Ref.pre, post: Ref.post, reliability: 0.8, direction: .lowerIsBetter, significanceLevel: alpha)
        }
    }

    @Test("a supplied SD must be finite and positive", arguments: [0.0, -5.0, Double.infinity])
    func suppliedSDRejected(sd: Double) {
        #expect(throws: ReliableChangeError.suppliedSDInvalid(sd)) {
            try ReliableChange.compute(
                pre: Ref.pre, post: Ref.post, reliability: 0.8, direction: .lowerIsBetter, sdPre: sd)
        }
    }

    // MARK: Encoding

    @Test("result survives a JSON round trip with its raw values")
    func jsonRoundTrip() throws {
        let r = try ReliableChange.compute(
            pre: Ref.pre, post: Ref.post, reliability: 0.85, direction: .lowerIsBetter, method: .hagemanArrindell)
        let data = try JSONEncoder().encode(r)
        #expect(try JSONDecoder().decode(ReliableChangeResult.self, from: data) == r)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"method\":\"ha\"") && text.contains("\"direction\":\"lower\""))
        #expect(text.contains("\"sdPreSource\":\"sample\""))
    }

    @Test("method metadata")
    func methodMetadata() {
        #expect(ReliableChangeMethod.allCases.map(\.rawValue) == ["jt", "gln", "en", "ha", "hll"])
        #expect(ReliableChangeMethod.jacobsonTruax.reference.contains("10.1037/0022-006X.59.1.12"))
        #expect(ReliableChangeMethod.hagemanArrindell.reference.contains("10.1016/S0005-7967(99)00032-7"))
        #expect(ReliableChangeMethod.hsuLinnLord.reference.contains("10.1037/0022-006X.63.1.141"))
        #expect(ReliableChangeMethod.edwardsNunnally.reference.contains("10.1037/0022-006X.60.3.402"))
        #expect(ReliableChangeMethod.gulliksenLordNovick.displayName == "Gulliksen–Lord–Novick")
        #expect(Direction.higherIsBetter.sign == 1 && Direction.lowerIsBetter.sign == -1)
        #expect(Direction.lowerIsBetter.rawValue == "lower")
    }
}
