import Foundation

/// Cohen's κ for two raters, with its large-sample standard errors, confidence interval and z test.
public struct CohenKappaResult: Sendable, Codable, Equatable {
    /// Number of subjects rated.
    public var n: Int
    /// Observed agreement p_o = Σ p_ii (percent agreement = 100·p_o).
    public var po: Double
    /// Chance agreement p_e = Σ p_i. p_.i.
    public var pe: Double
    public var kappa: Double
    /// Standard error of Fleiss, Cohen & Everitt (1969), used for the interval (SAS "ASE").
    public var se: Double
    public var lower: Double
    public var upper: Double
    public var level: Double
    /// Standard error under H0: κ = 0, used for the z test.
    public var se0: Double
    /// κ/SE0.
    public var z: Double
    /// Two-sided p = 2·(1 − Φ(|z|)).
    public var p: Double
}

/// Cohen's (unweighted) κ for agreement between two raters.
public enum CohenKappa {
    /// Cohen's κ from a k × k agreement table (rows rater 1, columns rater 2, same category order).
    ///
    /// ```
    /// p_ij = n_ij/n;  p_o = Σ_i p_ii;  p_e = Σ_i p_i. p_.i;  κ = (p_o − p_e)/(1 − p_e)
    /// Var(κ)  = [Σ_i p_ii (1 − (p_i. + p_.i)(1 − κ))² + (1 − κ)² Σ_{i≠j} p_ij (p_.i + p_j.)²
    ///            − (κ − p_e(1 − κ))²] / (n (1 − p_e)²)                       (Fleiss, Cohen & Everitt 1969)
    /// Var0(κ) = [p_e + p_e² − Σ_i p_i. p_.i (p_i. + p_.i)] / (n (1 − p_e)²)   (under H0: κ = 0)
    /// CI = κ ± Φ⁻¹((1 + level)/2)·SE;   z = κ/SE0;   p = 2·(1 − Φ(|z|))
    /// ```
    ///
    /// Cross-check: statsmodels `cohens_kappa(table)` (kappa, std_kappa, kappa_low/upp, std_kappa0),
    /// SAS PROC FREQ AGREE (ASE, ASE under H0), R `psych::cohen.kappa`.
    ///
    /// References: Cohen (1960) Educ Psychol Meas 20:37–46, doi:10.1177/001316446002000104; Fleiss, Cohen &
    /// Everitt (1969) Psychol Bull 72:323–327, doi:10.1037/h0028106.
    ///
    /// - Throws: `ContingencyTableError` for a non-square or ragged table, fewer than 2 categories, a
    ///   negative count, no subjects, or p_e = 1 (both raters used one single category: κ undefined).
    public static func compute(table: [[Int]], level: Double = 0.95) throws(ContingencyTableError) -> CohenKappaResult {
        guard level > 0, level < 1 else {
            throw ContingencyTableError(field: "level", value: "\(level)", expected: "0 < level < 1, e.g. 0.95")
        }
        let k = table.count
        guard k >= 2 else {
            throw ContingencyTableError(field: "table", value: "\(k) row(s)", expected: "a k × k table with k ≥ 2 categories")
        }
        for (i, row) in table.enumerated() {
            guard row.count == k else {
                throw ContingencyTableError(field: "table[\(i)]", value: "\(row.count) column(s)",
                                            expected: "\(k) columns (a square table: same categories for both raters)")
            }
            for (j, v) in row.enumerated() where v < 0 {
                throw ContingencyTableError(field: "table[\(i)][\(j)]", value: "\(v)", expected: "a count ≥ 0")
            }
        }
        let total = table.joined().reduce(0, +)
        guard total > 0 else {
            throw ContingencyTableError(field: "table", value: "all counts 0", expected: "at least one rated subject")
        }
        let n = Double(total)
        let p = table.map { $0.map { Double($0) / n } }
        let rows = p.map { $0.reduce(0, +) }
        let cols = (0..<k).map { j in p.reduce(0) { $0 + $1[j] } }
        var po = 0.0, pe = 0.0
        for i in 0..<k {
            po += p[i][i]
            pe += rows[i] * cols[i]
        }
        guard pe < 1 else {
            throw ContingencyTableError(field: "table", value: "every rating in one category (p_e = 1)",
                                        expected: "ratings in at least two categories, so that κ is defined")
        }
        let kappa = (po - pe) / (1 - pe)
        var termA = 0.0, termB = 0.0, termC0 = 0.0
        for i in 0..<k {
            let u = 1 - (rows[i] + cols[i]) * (1 - kappa)
            termA += p[i][i] * u * u
            for j in 0..<k where j != i {
                let s = cols[i] + rows[j]
                termB += p[i][j] * s * s
            }
            termC0 += rows[i] * cols[i] * (rows[i] + cols[i])
        }
        termB *= (1 - kappa) * (1 - kappa)
        let c = kappa - pe * (1 - kappa)
        let denominator = n * (1 - pe) * (1 - pe)
        let se = max(0, (termA + termB - c * c) / denominator).squareRoot()
        let se0 = max(0, (pe + pe * pe - termC0) / denominator).squareRoot()
        let zCrit = Normal.quantile((1 + level) / 2)
        let z = kappa / se0
        return CohenKappaResult(
            n: total, po: po, pe: pe, kappa: kappa, se: se, lower: kappa - zCrit * se, upper: kappa + zCrit * se,
            level: level, se0: se0, z: z, p: 2 * Normal.sf(abs(z)))
    }
}
