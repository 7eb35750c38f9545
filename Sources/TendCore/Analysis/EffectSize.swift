import Foundation

/// Paired samples for which within-group effect sizes cannot be computed.
public typealias PairedEffectSizeError = InputError

/// Within-group pre–post standardised effect sizes, with change = post − pre.
///
/// A negative change is an improvement on "lower is better" measures: the sign is never flipped here.
public struct PairedEffectSizeResult: Sendable, Codable, Equatable {
    /// Number of complete pairs.
    public var n: Int
    public var meanPre: Double
    /// SD of the pre scores (n − 1).
    public var sdPre: Double
    public var meanPost: Double
    /// SD of the post scores (n − 1).
    public var sdPost: Double
    /// M_diff = mean(post − pre).
    public var meanChange: Double
    /// s_diff = SD(post − pre) (n − 1).
    public var sdChange: Double
    /// Pearson correlation of pre and post.
    public var r: Double
    /// Cohen's d_z = M_diff / s_diff (= t/√n).
    public var dz: Double
    /// d_av (Cumming 2012; Lakens 2013) = M_diff / ((s_pre + s_post)/2): arithmetic mean of the SDs.
    public var dAv: Double
    /// d_av with the root-mean-square SD = M_diff / sqrt((s_pre² + s_post²)/2): pingouin's "paired cohen".
    public var dAvRMS: Double
    /// d_rm (Morris & DeShon 2002) = d_z · sqrt(2(1 − r)).
    public var dRM: Double
    /// Hedges' exact J = Γ(df/2) / (sqrt(df/2) · Γ((df − 1)/2)) with df = n − 1.
    public var hedgesJ: Double
    /// Hedges' g_z = d_z · J (exact J, df = n − 1).
    public var gz: Double
    /// Hedges' g_av = d_av · J (arithmetic-mean SD; exact J, df = n − 1).
    public var gAv: Double
    /// 100·(M_post − M_pre)/M_pre over the same pairs; nil when M_pre = 0.
    public var percentChangeOfMean: Double?
}

/// Standardised effect sizes for a pre–post (paired) design.
public enum PairedEffectSize {
    /// Computes the within-group effect sizes of a pre–post design from complete pairs.
    ///
    /// ```
    /// change_i = post_i − pre_i;  M_diff, s_diff = mean and SD of the changes;  r = corr(pre, post)
    /// d_z     = M_diff / s_diff                                   Cohen (1988); Lakens (2013)
    /// d_av    = M_diff / ((s_pre + s_post)/2)                     Cumming (2012); Lakens (2013)
    /// d_avRMS = M_diff / sqrt((s_pre² + s_post²)/2)               pingouin compute_effsize(paired, "cohen")
    /// d_rm    = d_z · sqrt(2(1 − r))                              Morris & DeShon (2002)
    /// J       = Γ(df/2) / (sqrt(df/2) · Γ((df − 1)/2)),  df = n − 1   Hedges (1981), exact form
    /// g_z = d_z · J,  g_av = d_av · J
    /// percent change of the mean = 100·(M_post − M_pre)/M_pre
    /// ```
    ///
    /// The J approximation 1 − 3/(4·df − 1) and pingouin's df = 2n − 2 are deliberately not used; the
    /// result names say which J was applied.
    ///
    /// References: Cohen (1988) *Statistical Power Analysis for the Behavioral Sciences* (book);
    /// Cumming (2012) *Understanding the New Statistics* (book); Lakens (2013) Front Psychol 4:863,
    /// doi:10.3389/fpsyg.2013.00863; Morris & DeShon (2002) Psychol Methods 7:105–125,
    /// doi:10.1037/1082-989X.7.1.105; Hedges (1981) J Educ Stat 6:107–128, doi:10.3102/10769986006002107.
    ///
    /// - Throws: `PairedEffectSizeError` when pre and post differ in length, n < 3 (J needs df ≥ 2), a
    ///   value is not finite, or the pre scores, post scores or changes do not vary (the standardisers
    ///   or r are then undefined).
    public static func compute(pre: [Double], post: [Double]) throws(PairedEffectSizeError) -> PairedEffectSizeResult {
        guard pre.count == post.count else {
            throw PairedEffectSizeError(field: "post", value: "\(post.count) values",
                                        expected: "as many values as pre (\(pre.count)), one per pair")
        }
        let n = pre.count
        guard n >= 3 else {
            throw PairedEffectSizeError(field: "number of pairs n", value: "\(n)",
                                        expected: "at least 3 (Hedges' J needs df = n − 1 ≥ 2)")
        }
        for (name, x) in [("pre", pre), ("post", post)] {
            if let i = x.firstIndex(where: { !$0.isFinite }) {
                throw PairedEffectSizeError(field: "\(name)[\(i)]", value: "\(x[i])", expected: "a finite number")
            }
        }
        let change = zip(pre, post).map { $1 - $0 }
        let meanPre = Descriptive.mean(pre), meanPost = Descriptive.mean(post)
        let sdPre = Descriptive.standardDeviation(pre), sdPost = Descriptive.standardDeviation(post)
        let meanChange = Descriptive.mean(change), sdChange = Descriptive.standardDeviation(change)
        for (name, sd) in [("pre", sdPre), ("post", sdPost), ("post − pre", sdChange)] where !(sd > 0) {
            throw PairedEffectSizeError(field: "SD of \(name)", value: "0 (all values equal)",
                                        expected: "some variation, so that the effect sizes are defined")
        }
        let r = Descriptive.pearson(pre, post)
        let dz = meanChange / sdChange
        let dAv = meanChange / ((sdPre + sdPost) / 2)
        let dAvRMS = meanChange / ((sdPre * sdPre + sdPost * sdPost) / 2).squareRoot()
        let dRM = dz * (2 * (1 - r)).squareRoot()
        let df = Double(n - 1)
        let j = exp(lgamma(df / 2) - lgamma((df - 1) / 2)) / (df / 2).squareRoot()
        return PairedEffectSizeResult(
            n: n, meanPre: meanPre, sdPre: sdPre, meanPost: meanPost, sdPost: sdPost,
            meanChange: meanChange, sdChange: sdChange, r: r, dz: dz, dAv: dAv, dAvRMS: dAvRMS, dRM: dRM,
            hedgesJ: j, gz: dz * j, gAv: dAv * j,
            percentChangeOfMean: meanPre == 0 ? nil : 100 * (meanPost - meanPre) / meanPre)
    }
}
