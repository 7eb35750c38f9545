import Foundation

// MARK: - Methods

/// The reliable change index (RCI) methods Tend offers, with the formulas of the R package
/// `clinicalsignificance` (`R/calc_rci.R`, `R/package-utils.R`; statistics.md §1).
///
/// Notation: `r` is the reliability r_xx, `m_pre`/`m_post` the means and `sd_pre`/`sd_post` the SDs
/// (n − 1) of the complete pairs, `SEM = sd_pre·√(1 − r)`, `S_diff = √(2·SEM²)`, `SEP = sd_pre·√(1 − r²)`.
public enum ReliableChangeMethod: String, Sendable, Codable, CaseIterable {
    /// Jacobson–Truax: `RCI = (post − pre) / S_diff`.
    case jacobsonTruax = "jt"
    /// Gulliksen–Lord–Novick: `RCI = [(post − m_pre) − r·(pre − m_pre)] / SEP`.
    case gulliksenLordNovick = "gln"
    /// Edwards–Nunnally: `RCI = [post − (r·(pre − m_pre) + m_pre)] / SEM` (SEM, not S_diff).
    case edwardsNunnally = "en"
    /// Hageman–Arrindell: `RCI = [(post − pre)·r_dd + (m_post − m_pre)·(1 − r_dd)] / (√r_dd · S_diff)`,
    /// compared one-sided with `z(1 − α)`.
    case hagemanArrindell = "ha"
    /// Hsu–Linn–Lord: `RCI = [(post − m_post) − r·(pre − m_pre)] / SEP`.
    case hsuLinnLord = "hll"

    /// Name for reports.
    public var displayName: String {
        switch self {
        case .jacobsonTruax: "Jacobson–Truax"
        case .gulliksenLordNovick: "Gulliksen–Lord–Novick"
        case .edwardsNunnally: "Edwards–Nunnally"
        case .hagemanArrindell: "Hageman–Arrindell"
        case .hsuLinnLord: "Hsu–Linn–Lord"
        }
    }

    /// Primary reference, with DOI where one exists.
    public var reference: String {
        switch self {
        case .jacobsonTruax:
            "Jacobson, N. S., & Truax, P. (1991). Clinical significance: A statistical approach to defining "
                + "meaningful change in psychotherapy research. Journal of Consulting and Clinical Psychology, "
                + "59(1), 12–19. doi:10.1037/0022-006X.59.1.12 (S_diff as corrected by Christensen & Mendoza, "
                + "1986, Behavior Therapy 17, 305–308)"
        case .gulliksenLordNovick:
            "Gulliksen, H. (1950). Theory of Mental Tests; Lord, F. M., & Novick, M. R. (1968). Statistical "
                + "Theories of Mental Test Scores (books, no DOI); as applied by Hsu, L. M. (1989), Behavioral "
                + "Assessment 11, 459–467; compared in Bauer, S., Lambert, M. J., & Nielsen, S. L. (2004), "
                + "Journal of Personality Assessment 82(1), 60–70. doi:10.1207/s15327752jpa8201_11"
        case .edwardsNunnally:
            "Edwards, D. W., Yarvis, R. M., Mueller, D. P., Zingale, H. C., & Wagman, W. J. (1978). "
                + "Evaluation Quarterly 2, 275–291; Speer, D. C. (1992). Clinically significant change: "
                + "Jacobson and Truax (1991) revisited. Journal of Consulting and Clinical Psychology, 60(3), "
                + "402–408. doi:10.1037/0022-006X.60.3.402"
        case .hagemanArrindell:
            "Hageman, W. J. J. M., & Arrindell, W. A. (1999). Establishing clinically significant change: "
                + "increment of precision and the distinction between individual and group level of analysis. "
                + "Behaviour Research and Therapy, 37(12), 1169–1193. doi:10.1016/S0005-7967(99)00032-7"
        case .hsuLinnLord:
            "Hsu, L. M. (1995). Regression toward the mean associated with measurement error and the "
                + "identification of improvement and deterioration in psychotherapy. Journal of Consulting and "
                + "Clinical Psychology, 63(1), 141–144. doi:10.1037/0022-006X.63.1.141"
        }
    }

    /// Whether the method compares the RCI one-sided (Hageman–Arrindell) rather than two-sided.
    public var isOneSided: Bool { self == .hagemanArrindell }

    /// The critical value the package uses: `z(1 − α/2)` (1.959964 at α = .05) for every method except
    /// Hageman–Arrindell, which uses `z(1 − α)` (1.644854 at α = .05).
    public func criticalValue(significanceLevel alpha: Double) -> Double {
        isOneSided ? Normal.quantile(1 - alpha) : Normal.quantile(1 - alpha / 2)
    }
}

/// A participant's distribution-based category (statistics.md §1.4):
/// improved if `dir·RCI > cv`, deteriorated if `dir·RCI < −cv` (both strict), otherwise unchanged.
public enum ReliableChangeCategory: String, Sendable, Codable, CaseIterable {
    case improved, unchanged, deteriorated
}

/// Where the pre-score SD used for SEM, S_diff and SEP came from.
public enum StandardDeviationSource: String, Sendable, Codable, CaseIterable {
    /// The SD (n − 1) of the pre scores of the complete pairs, as R `clinicalsignificance` does.
    case sample
    /// A published or normative SD given by the caller.
    case supplied
}

// MARK: - Result

/// Category counts over the complete pairs. Percentages use the complete pairs as the denominator,
/// as `create_summary_table` does.
public struct ReliableChangeCounts: Sendable, Codable, Equatable {
    public var improved: Int
    public var unchanged: Int
    public var deteriorated: Int

    public init(improved: Int, unchanged: Int, deteriorated: Int) {
        self.improved = improved
        self.unchanged = unchanged
        self.deteriorated = deteriorated
    }

    public init(categories: [ReliableChangeCategory]) {
        self.init(
            improved: categories.count(where: { $0 == .improved }),
            unchanged: categories.count(where: { $0 == .unchanged }),
            deteriorated: categories.count(where: { $0 == .deteriorated }))
    }

    /// Number of complete pairs.
    public var total: Int { improved + unchanged + deteriorated }

    /// The count of one category.
    public func count(of category: ReliableChangeCategory) -> Int {
        switch category {
        case .improved: improved
        case .unchanged: unchanged
        case .deteriorated: deteriorated
        }
    }

    /// `count / total` (0 when there are no pairs).
    public func proportion(of category: ReliableChangeCategory) -> Double {
        total == 0 ? 0 : Double(count(of: category)) / Double(total)
    }
}

/// The no-change region on the pre (x) / post (y) plane, in raw score units:
/// `y = intercept + slope·x ± halfWidth` (statistics.md §1.6b; `generate_plotting_band` in the package).
///
/// * JT:  slope 1, intercept 0, half-width cv·S_diff
/// * GLN: slope r, intercept m_pre·(1 − r), half-width cv·SEP
/// * HLL: slope r, intercept m_post − r·m_pre, half-width cv·SEP
/// * EN:  slope r, intercept m_pre·(1 − r), half-width cv·SEM
/// * HA:  slope 1, intercept −(m_post − m_pre)·(1 − r_dd)/r_dd, half-width cv·S_diff/√r_dd
///
/// A participant inside the band is "unchanged"; on the band's edge is also unchanged (the tests are strict).
public struct ReliableChangeBand: Sendable, Codable, Equatable {
    public var slope: Double
    public var intercept: Double
    public var halfWidth: Double

    public init(slope: Double, intercept: Double, halfWidth: Double) {
        self.slope = slope
        self.intercept = intercept
        self.halfWidth = halfWidth
    }

    /// The band's centre line at a pre score.
    public func center(atPre x: Double) -> Double { intercept + slope * x }
    /// The lower edge at a pre score.
    public func lower(atPre x: Double) -> Double { center(atPre: x) - halfWidth }
    /// The upper edge at a pre score.
    public func upper(atPre x: Double) -> Double { center(atPre: x) + halfWidth }
}

/// Everything a reliable change analysis computed, at full precision.
///
/// Per-participant arrays (`rci`, `categories`) hold the complete pairs only, in input order;
/// `pairIndices[k]` is the input position of element `k`.
public struct ReliableChangeResult: Sendable, Codable, Equatable {
    public var method: ReliableChangeMethod
    public var direction: Direction
    /// r_xx as supplied.
    public var reliability: Double
    /// α; the critical value follows from it.
    public var significanceLevel: Double
    /// Number of pairs given (complete or not).
    public var nGiven: Int
    /// Number of complete pairs analysed.
    public var nUsed: Int
    /// Input positions of the complete pairs.
    public var pairIndices: [Int]
    /// Mean of the pre scores of the complete pairs.
    public var meanPre: Double
    /// The pre SD used in SEM, S_diff and SEP (sample or supplied; see `sdPreSource`).
    public var sdPre: Double
    public var sdPreSource: StandardDeviationSource
    /// SD (n − 1) of the pre scores of the complete pairs, whichever SD was used.
    public var sdPreSample: Double
    public var meanPost: Double
    public var sdPost: Double
    /// SEM = sd_pre·√(1 − r).
    public var sem: Double
    /// S_diff = √(2·SEM²).
    public var sDiff: Double
    /// SEP = sd_pre·√(1 − r²).
    public var sep: Double
    /// Pearson r of pre and post over the complete pairs; nil when either has zero variance.
    public var rPrePost: Double?
    /// Hageman–Arrindell r_xx2 = (sd_post² − SEM²)/sd_post²; nil for other methods or when sd_post = 0.
    public var reliabilityPost: Double?
    /// Hageman–Arrindell reliability of the difference scores r_dd; nil for other methods.
    public var rDD: Double?
    /// The critical value the RCI is compared with.
    public var criticalValue: Double
    /// One RCI per complete pair.
    public var rci: [Double]
    /// One category per complete pair.
    public var categories: [ReliableChangeCategory]
    public var counts: ReliableChangeCounts
    /// The raw-unit JT threshold cv·S_diff with the two-sided cv = z(1 − α/2), whatever the method: the
    /// half-width of the JT band around the identity line, and the package's reliable-change threshold
    /// for `ClinicalSignificance.clinsigTable` (`clinsig` itself uses 1.96·S_diff; see `clinsigThreshold`).
    public var jtBandHalfWidth: Double
    /// This method's no-change band in raw units.
    public var band: ReliableChangeBand

    /// Two-sided p-value of one RCI, `2·(1 − Φ(|RCI|))` (statistics.md §1.7; the package reports none).
    public static func twoSidedP(rci: Double) -> Double { 2 * Normal.sf(abs(rci)) }
}

// MARK: - Errors

/// Why a reliable change index could not be computed. Each case carries the offending value.
public enum ReliableChangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `pre` and `post` have different lengths.
    case lengthMismatch(preCount: Int, postCount: Int)
    /// r_xx outside the open interval (0, 1). r = 1 makes SEM 0 and every RCI infinite.
    case reliabilityOutOfRange(Double)
    /// α outside the open interval (0, 1).
    case significanceLevelOutOfRange(Double)
    /// A supplied pre SD that is not a finite number > 0.
    case suppliedSDInvalid(Double)
    /// An infinite score (NaN marks a missing score and drops the pair; infinity is an error).
    case nonFiniteScore(field: String, index: Int, value: Double)
    /// Fewer than 2 complete pairs.
    case tooFewCompletePairs(found: Int)
    /// The sample SD of the pre scores is 0 (all pre scores equal): the RCI is not computable.
    case preSDZero(preValue: Double, nUsed: Int)
    /// Hageman–Arrindell: the reliability of the differences r_dd is not positive, so √r_dd is undefined.
    case differenceReliabilityNotPositive(rDD: Double)

    /// The input the error is about.
    public var field: String {
        switch self {
        case .lengthMismatch: "pre/post"
        case .reliabilityOutOfRange: "reliability"
        case .significanceLevelOutOfRange: "significanceLevel"
        case .suppliedSDInvalid: "sdPre"
        case .nonFiniteScore(let field, _, _): field
        case .tooFewCompletePairs: "pre/post"
        case .preSDZero: "sd_pre"
        case .differenceReliabilityNotPositive: "r_dd"
        }
    }

    /// What was expected instead.
    public var expected: String {
        switch self {
        case .lengthMismatch: "one post score for every pre score"
        case .reliabilityOutOfRange: "a reliability strictly between 0 and 1"
        case .significanceLevelOutOfRange: "a significance level strictly between 0 and 1"
        case .suppliedSDInvalid: "a finite standard deviation greater than 0"
        case .nonFiniteScore: "a finite score (or NaN for a missing one)"
        case .tooFewCompletePairs: "at least 2 complete pre/post pairs"
        case .preSDZero: "pre scores that are not all equal (sd_pre > 0), or a supplied sd_pre"
        case .differenceReliabilityNotPositive: "r_dd > 0"
        }
    }

    public var description: String {
        switch self {
        case .lengthMismatch(let a, let b):
            "pre has \(a) scores but post has \(b); expected \(expected)"
        case .reliabilityOutOfRange(let r):
            "reliability \(r) is outside (0, 1); expected \(expected)"
                + (r == 1 ? " (r = 1 makes SEM 0 and every RCI infinite)" : "")
        case .significanceLevelOutOfRange(let a):
            "significance level \(a) is outside (0, 1); expected \(expected)"
        case .suppliedSDInvalid(let s):
            "supplied sd_pre \(s) is not usable; expected \(expected)"
        case .nonFiniteScore(let f, let i, let v):
            "\(f)[\(i)] is \(v); expected \(expected)"
        case .tooFewCompletePairs(let n):
            "only \(n) complete pre/post pair\(n == 1 ? "" : "s"); expected \(expected)"
        case .preSDZero(let v, let n):
            "sd_pre is 0 (all \(n) pre scores equal \(v)): the reliable change index is not computable; "
                + "expected \(expected)"
        case .differenceReliabilityNotPositive(let r):
            "Hageman–Arrindell r_dd is \(r), so √r_dd is undefined: the RCI is not computable; expected \(expected)"
        }
    }
}

// MARK: - Computation

/// Reliable change index (RCI) per participant, with the building blocks and categories.
public enum ReliableChange {
    /// Computes the reliable change index of every complete pre/post pair by `method`, and classifies it.
    ///
    /// Building blocks (statistics.md §1.2, `R/package-utils.R` of `clinicalsignificance`):
    /// ```
    /// SEM    = sd_pre · √(1 − r)
    /// S_diff = √(2 · SEM²)
    /// SEP    = sd_pre · √(1 − r²)
    /// ```
    /// RCI per participant (§1.3):
    /// ```
    /// JT   (post − pre) / S_diff
    /// GLN  [(post − m_pre) − r·(pre − m_pre)] / SEP
    /// HLL  [(post − m_post) − r·(pre − m_pre)] / SEP
    /// EN   [post − (r·(pre − m_pre) + m_pre)] / SEM
    /// HA   [(post − pre)·r_dd + (m_post − m_pre)·(1 − r_dd)] / (√r_dd · S_diff)
    ///      r_dd = (sd_pre²·r_xx1 + sd_post²·r_xx2 − 2·sd_pre·sd_post·r_pp)
    ///             / (sd_pre² + sd_post² − 2·sd_pre·sd_post·r_pp),
    ///      r_xx1 = (sd_pre² − SEM²)/sd_pre² (= r), r_xx2 = (sd_post² − SEM²)/sd_post², r_pp = Pearson(pre, post)
    /// ```
    /// Categories (§1.4): improved if `dir·RCI > cv`, deteriorated if `dir·RCI < −cv`, otherwise unchanged,
    /// with `cv = z(1 − α/2)` (HA: `z(1 − α)`).
    ///
    /// References: Jacobson & Truax (1991) doi:10.1037/0022-006X.59.1.12; Hsu (1995)
    /// doi:10.1037/0022-006X.63.1.141; Speer (1992) doi:10.1037/0022-006X.60.3.402; Hageman & Arrindell
    /// (1999) doi:10.1016/S0005-7967(99)00032-7; Bauer, Lambert & Nielsen (2004)
    /// doi:10.1207/s15327752jpa8201_11; R package `clinicalsignificance` (Claus et al.).
    ///
    /// - Parameters:
    ///   - pre: Pre scores. NaN marks a missing score; pairs with a missing score are dropped, as the
    ///     package's `na.omit` does. Infinite scores are an error.
    ///   - post: Post scores, same length and order as `pre`.
    ///   - reliability: r_xx, strictly between 0 and 1 (record whether it is test–retest or α).
    ///   - direction: Which way is better for this instrument.
    ///   - method: The RCI method.
    ///   - significanceLevel: α, strictly between 0 and 1.
    ///   - sdPre: A published or normative pre SD to use instead of the sample's; `sdPreSource` records
    ///     which was used. The means always come from the sample.
    /// - Throws: `ReliableChangeError` naming the problem and the value.
    public static func compute(
        pre: [Double], post: [Double], reliability: Double, direction: Direction,
        method: ReliableChangeMethod = .jacobsonTruax, significanceLevel: Double = 0.05,
        sdPre suppliedSD: Double? = nil
    ) throws(ReliableChangeError) -> ReliableChangeResult {
        guard pre.count == post.count else {
            throw .lengthMismatch(preCount: pre.count, postCount: post.count)
        }
        guard reliability > 0, reliability < 1 else { throw .reliabilityOutOfRange(reliability) }
        guard significanceLevel > 0, significanceLevel < 1 else {
            throw .significanceLevelOutOfRange(significanceLevel)
        }
        if let s = suppliedSD, !(s.isFinite && s > 0) { throw .suppliedSDInvalid(s) }

        var x: [Double] = [], y: [Double] = [], indices: [Int] = []
        x.reserveCapacity(pre.count); y.reserveCapacity(pre.count); indices.reserveCapacity(pre.count)
        for i in pre.indices {
            let a = pre[i], b = post[i]
            if a.isInfinite { throw .nonFiniteScore(field: "pre", index: i, value: a) }
            if b.isInfinite { throw .nonFiniteScore(field: "post", index: i, value: b) }
            if a.isNaN || b.isNaN { continue }
            x.append(a); y.append(b); indices.append(i)
        }
        let n = x.count
        guard n >= 2 else { throw .tooFewCompletePairs(found: n) }

        let r = reliability
        let mPre = Descriptive.mean(x)
        let sdPreSample = Descriptive.standardDeviation(x)
        let mPost = Descriptive.mean(y)
        let sdPost = Descriptive.standardDeviation(y)
        let sdPre: Double
        let source: StandardDeviationSource
        if let s = suppliedSD {
            sdPre = s; source = .supplied
        } else {
            guard sdPreSample > 0 else { throw .preSDZero(preValue: x[0], nUsed: n) }
            sdPre = sdPreSample; source = .sample
        }

        let sem = sdPre * (1 - r).squareRoot()
        let sDiff = (2 * sem * sem).squareRoot()
        let sep = sdPre * (1 - r * r).squareRoot()
        let rppRaw = Descriptive.pearson(x, y)
        let rpp: Double? = rppRaw.isFinite ? rppRaw : nil
        let cv = method.criticalValue(significanceLevel: significanceLevel)

        var rDD: Double? = nil
        var reliabilityPost: Double? = nil
        let rci: [Double]
        let band: ReliableChangeBand
        switch method {
        case .jacobsonTruax:
            rci = (0..<n).map { (y[$0] - x[$0]) / sDiff }
            band = ReliableChangeBand(slope: 1, intercept: 0, halfWidth: cv * sDiff)
        case .gulliksenLordNovick:
            rci = (0..<n).map { ((y[$0] - mPre) - r * (x[$0] - mPre)) / sep }
            band = ReliableChangeBand(slope: r, intercept: mPre - r * mPre, halfWidth: cv * sep)
        case .hsuLinnLord:
            rci = (0..<n).map { ((y[$0] - mPost) - r * (x[$0] - mPre)) / sep }
            band = ReliableChangeBand(slope: r, intercept: mPost - r * mPre, halfWidth: cv * sep)
        case .edwardsNunnally:
            rci = (0..<n).map { (y[$0] - (r * (x[$0] - mPre) + mPre)) / sem }
            band = ReliableChangeBand(slope: r, intercept: mPre - r * mPre, halfWidth: cv * sem)
        case .hagemanArrindell:
            let vPre = sdPre * sdPre, vPost = sdPost * sdPost, sem2 = sem * sem
            let rxx1 = (vPre - sem2) / vPre
            // sd_post²·r_xx2 = sd_post² − SEM²; written out so that sd_post = 0 stays finite.
            let postTerm: Double
            if sdPost > 0 {
                let rxx2 = (vPost - sem2) / vPost
                reliabilityPost = rxx2
                postTerm = vPost * rxx2
            } else {
                postTerm = -sem2
            }
            // sd_pre·sd_post·r_pp is the covariance; it is 0 when either sample has no variance.
            let cross = rpp.map { 2 * sdPre * sdPost * $0 } ?? 0
            let dd = (vPre * rxx1 + postTerm - cross) / (vPre + vPost - cross)
            guard dd > 0 else { throw .differenceReliabilityNotPositive(rDD: dd) }
            rDD = dd
            let denominator = dd.squareRoot() * sDiff
            let shift = (mPost - mPre) * (1 - dd)
            rci = (0..<n).map { ((y[$0] - x[$0]) * dd + shift) / denominator }
            band = ReliableChangeBand(slope: 1, intercept: -shift / dd, halfWidth: cv * sDiff / dd.squareRoot())
        }

        let categories = rci.map { classify(rci: $0, criticalValue: cv, direction: direction) }
        return ReliableChangeResult(
            method: method, direction: direction, reliability: r, significanceLevel: significanceLevel,
            nGiven: pre.count, nUsed: n, pairIndices: indices,
            meanPre: mPre, sdPre: sdPre, sdPreSource: source, sdPreSample: sdPreSample,
            meanPost: mPost, sdPost: sdPost, sem: sem, sDiff: sDiff, sep: sep,
            rPrePost: rpp, reliabilityPost: reliabilityPost, rDD: rDD, criticalValue: cv,
            rci: rci, categories: categories, counts: ReliableChangeCounts(categories: categories),
            jtBandHalfWidth: ReliableChangeMethod.jacobsonTruax.criticalValue(significanceLevel: significanceLevel) * sDiff,
            band: band)
    }

    /// The category of one RCI (statistics.md §1.4, `.calc_improvement`):
    /// improved if `dir·RCI > cv`, deteriorated if `dir·RCI < −cv`, otherwise unchanged (|RCI| = cv is
    /// unchanged).
    public static func classify(rci: Double, criticalValue cv: Double, direction: Direction) -> ReliableChangeCategory {
        let d = direction.sign * rci
        if d > cv { return .improved }
        if d < -cv { return .deteriorated }
        return .unchanged
    }
}
