import Foundation

/// Which sums of squares the within-subjects main effect uses when the groups are of unequal size.
///
/// In a split-plot design with one between factor A and one within factor B, the between effect, the
/// interaction and both error terms are the same under Types I, II and III; only SS_B differs.
/// * `.typeIII`: unweighted level means (SPSS GLM, R `afex` default). Tend's default.
/// * `.typeII`: level means weighted by group size (`pingouin.mixed_anova`, `afex` with `type = 2`).
public enum SumOfSquaresType: Int, Sendable, Codable {
    case typeII = 2
    case typeIII = 3
}

/// The mixed (split-plot) ANOVA with one between-subjects factor A (a groups, e.g. trial arms) and one
/// within-subjects factor B (b levels, e.g. timepoints).
///
/// Notation: group j has n_j subjects, N = Σ n_j; Y_ijt is subject i of group j at level t. Ȳ is the grand
/// mean, Ȳ_i the subject mean, Ȳ_j the group mean, Ȳ_t the level mean over all N, Ȳ_jt the cell mean.
/// ```
/// SS_A      = b · Σ_j n_j (Ȳ_j − Ȳ)²                          df a − 1
/// SS_S/A    = b · Σ_i (Ȳ_i − Ȳ_j(i))²     between-subjects error   df N − a
/// SS_B(II)  = N · Σ_t (Ȳ_t − Ȳ)²                               df b − 1
/// SS_B(III) = a · ñ · Σ_t (m_t − m̄)²,  m_t = (1/a) Σ_j Ȳ_jt,  m̄ = mean of m_t,  ñ = a / Σ_j (1/n_j)
/// SS_AB     = Σ_j n_j Σ_t (Ȳ_jt − Ȳ_j − Ȳ_t + Ȳ)²              df (a − 1)(b − 1)
/// SS_B×S/A  = Σ (Y_ijt − Ȳ_i − Ȳ_jt + Ȳ_j)²   within-subjects error  df (N − a)(b − 1)
/// SS_total  = Σ (Y_ijt − Ȳ)² = SS_A + SS_S/A + SS_B(II) + SS_AB + SS_B×S/A
/// F_A = MS_A / MS_S/A,  F_B = MS_B / MS_B×S/A,  F_AB = MS_AB / MS_B×S/A,  p = upper tail of F
/// ```
/// Effect sizes: partial η² = SS_effect / (SS_effect + SS_error of that effect); η² = SS_effect / SS_total;
/// generalised η² = SS_effect / (SS_effect + SS_S/A + SS_B×S/A), treating every factor as manipulated
/// (randomised arms; `afex` `observed = NULL`).
///
/// Sphericity (b ≥ 3): with P the (b − 1) × b orthonormal contrast matrix, E the pooled within-group SSCP
/// matrix Σ_i (y_i − ȳ_j(i))(y_i − ȳ_j(i))ᵀ, p = b − 1, ν = N − a and S = P E Pᵀ / ν:
/// ```
/// Mauchly W = det(S) / (tr(S)/p)^p
/// χ² = −(ν − (2p² + p + 2)/(6p)) · ln W,  df = p(p + 1)/2 − 1
/// p  = P1 + w2 · (P2 − P1),  P1 = P(χ²_df ≥ χ²),  P2 = P(χ²_{df+4} ≥ χ²),  f = 1 − (2p² + p + 2)/(6pν)
/// w2 = (p + 2)(p − 1)(p − 2)(2p³ + 6p² + 3b + 2) / (288 (ν p f)²)   (3b, not 3p: as R and pingouin)
/// Greenhouse–Geisser ε̂ = tr(S)² / (p · tr(S²))
/// Huynh–Feldt ε̃ (Lecoutre form, R car/afex) = ((ν + 1) p ε̂ − 2) / (p (ν − p ε̂))
/// ```
/// Corrected tests keep F and multiply both dfs by ε; the same ε applies to B and A×B.
///
/// References: Kirk, *Experimental Design: Procedures for the Behavioral Sciences* (split-plot designs);
/// Olejnik & Algina (2003) Psychol Methods 8:434–447, doi:10.1037/1082-989X.8.4.434;
/// Bakeman (2005) Behav Res Methods 37:379–384, doi:10.3758/BF03192707;
/// Mauchly (1940) Ann Math Stat 11:204–209, doi:10.1214/aoms/1177731915;
/// Anderson, *An Introduction to Multivariate Statistical Analysis*, 3rd ed. (2003) §10.7 (second-order term);
/// Greenhouse & Geisser (1959) Psychometrika 24:95–112, doi:10.1007/BF02289823;
/// Huynh & Feldt (1976) J Educ Stat 1:69–82, doi:10.3102/10769986001001069;
/// Lecoutre (1991) J Educ Stat 16:371–372, doi:10.3102/10769986016004371 (DOI not checked against the publisher).
public enum MixedANOVA {
    /// Runs the mixed ANOVA on complete cases.
    ///
    /// - Parameters:
    ///   - values: `values[i]` holds the b scores of subject i, in the order of `levelLabels`. Every subject
    ///     must have all b scores (drop incomplete cases before calling).
    ///   - groups: `groups[i]` is subject i's group, an index into `groupLabels`.
    ///   - groupLabels: the a groups (between factor); every group needs at least one subject.
    ///   - levelLabels: the b levels (within factor).
    ///   - type: sums of squares for the within main effect (see ``SumOfSquaresType``); Type III by default.
    ///   - betweenName: name of the between factor in effect names.
    ///   - withinName: name of the within factor in effect names.
    ///
    /// The work is two linear passes over the subjects with no per-subject allocation: the first sums the
    /// scores per group × level cell (Neumaier-compensated), the second accumulates squared deviations from
    /// the cell means (in blocks of 1,024 subjects, so the rounding-error bound is about (1024 + N/1024)·ε
    /// rather than N·ε). Every sum of squares is formed from centred quantities, so there is no
    /// cancellation of large raw sums: for 70,000 subjects with scores 40 ± 10 the sums of squares agree with
    /// exact rational arithmetic to about 1e-13 relative. One million subjects × 2 levels take ~20 ms
    /// (release build).
    ///
    /// The rows are validated and copied into one flat array, then passed to
    /// ``compute(flatValues:levels:groups:groupLabels:levelLabels:type:betweenName:withinName:)``; callers
    /// that hold the scores flat already can call that directly.
    ///
    /// Formulas (full set in ``MixedANOVA``): F_A = MS_A / MS_S/A, F_B = MS_B / MS_B×S/A,
    /// F_AB = MS_AB / MS_B×S/A; SS_B(III) = a·ñ·Σ_t (m_t − m̄)² with unweighted level means m_t and the
    /// harmonic mean ñ of the n_j, SS_B(II) = N·Σ_t (Ȳ_t − Ȳ)²; GG- and HF-corrected p multiply both dfs by ε.
    /// References: Kirk, *Experimental Design* (split-plot designs); Olejnik & Algina (2003)
    /// doi:10.1037/1082-989X.8.4.434; Mauchly (1940) doi:10.1214/aoms/1177731915; Greenhouse & Geisser
    /// (1959) doi:10.1007/BF02289823; Huynh & Feldt (1976) doi:10.3102/10769986001001069.
    public static func compute(
        values: [[Double]], groups: [Int], groupLabels: [String], levelLabels: [String],
        type: SumOfSquaresType = .typeIII, betweenName: String = "group", withinName: String = "time"
    ) throws(MixedANOVAError) -> MixedANOVAResult {
        let a = groupLabels.count
        let b = levelLabels.count
        guard a >= 2 else { throw .tooFewGroups(count: a) }
        guard b >= 2 else { throw .tooFewLevels(count: b) }
        guard values.count == groups.count else {
            throw .subjectCountMismatch(values: values.count, groups: groups.count)
        }
        // Validate each subject in turn (the same checks, in the same order, as the flat entry point makes)
        // while laying the rows out one after another.
        var flat: [Double] = []
        flat.reserveCapacity(values.count * b)
        for i in 0..<values.count {
            let g = groups[i]
            guard g >= 0 && g < a else { throw .groupIndexOutOfRange(subject: i, group: g, groupCount: a) }
            let row = values[i]
            guard row.count == b else { throw .raggedRow(subject: i, count: row.count, expected: b) }
            for t in 0..<b where !row[t].isFinite {
                throw .nonFiniteValue(subject: i, level: t, levelLabel: levelLabels[t], value: row[t])
            }
            flat.append(contentsOf: row)
        }
        return try compute(flatValues: flat, levels: b, groups: groups, groupLabels: groupLabels,
                           levelLabels: levelLabels, type: type, betweenName: betweenName, withinName: withinName)
    }

    /// Runs the mixed ANOVA on complete cases held in one flat, subject-major array (no array per subject).
    ///
    /// - Parameters:
    ///   - flatValues: subject i's b scores are `flatValues[i*b ..< (i+1)*b]`, in the order of `levelLabels`.
    ///     Every subject must have all b scores (drop incomplete cases before calling).
    ///   - levels: b, the number of scores per subject; must equal `levelLabels.count`.
    ///   - groups: `groups[i]` is subject i's group, an index into `groupLabels`.
    ///   - groupLabels: the a groups (between factor); every group needs at least one subject.
    ///   - levelLabels: the b levels (within factor).
    ///   - type: sums of squares for the within main effect (see ``SumOfSquaresType``); Type III by default.
    ///   - betweenName: name of the between factor in effect names.
    ///   - withinName: name of the within factor in effect names.
    ///
    /// Gives exactly the result of ``compute(values:groups:groupLabels:levelLabels:type:betweenName:withinName:)``
    /// on the same scores (that entry point calls this one). `levels` ≠ `levelLabels.count` is reported as
    /// subject 0 having `levels` scores where b were expected; a `flatValues.count` that is not a multiple of b
    /// as the last, incomplete subject having the remainder.
    ///
    /// Formulas (full set in ``MixedANOVA``): F_A = MS_A / MS_S/A, F_B = MS_B / MS_B×S/A,
    /// F_AB = MS_AB / MS_B×S/A; SS_B(III) = a·ñ·Σ_t (m_t − m̄)² with unweighted level means m_t and the
    /// harmonic mean ñ of the n_j, SS_B(II) = N·Σ_t (Ȳ_t − Ȳ)²; GG- and HF-corrected p multiply both dfs by ε.
    /// References: Kirk, *Experimental Design* (split-plot designs); Olejnik & Algina (2003)
    /// doi:10.1037/1082-989X.8.4.434; Mauchly (1940) doi:10.1214/aoms/1177731915; Greenhouse & Geisser
    /// (1959) doi:10.1007/BF02289823; Huynh & Feldt (1976) doi:10.3102/10769986001001069.
    public static func compute(
        flatValues: [Double], levels: Int, groups: [Int], groupLabels: [String], levelLabels: [String],
        type: SumOfSquaresType = .typeIII, betweenName: String = "group", withinName: String = "time"
    ) throws(MixedANOVAError) -> MixedANOVAResult {
        let a = groupLabels.count
        let b = levelLabels.count
        guard a >= 2 else { throw .tooFewGroups(count: a) }
        guard b >= 2 else { throw .tooFewLevels(count: b) }
        guard levels == b else { throw .raggedRow(subject: 0, count: levels, expected: b) }
        guard flatValues.count % b == 0 else {
            throw .raggedRow(subject: flatValues.count / b, count: flatValues.count % b, expected: b)
        }
        guard flatValues.count / b == groups.count else {
            throw .subjectCountMismatch(values: flatValues.count / b, groups: groups.count)
        }
        let subjects = groups.count

        // Pass 1: validate, count, and sum each group × level cell (Neumaier compensated summation).
        var counts = [Int](repeating: 0, count: a)
        var cellSum = [Double](repeating: 0, count: a * b)
        var cellComp = [Double](repeating: 0, count: a * b)
        // Through pointers: no bounds or uniqueness checks per value (the group index is checked first).
        let invalid: MixedANOVAError? = flatValues.withUnsafeBufferPointer { scores in
            groups.withUnsafeBufferPointer { groupOf in
                counts.withUnsafeMutableBufferPointer { counts in
                    cellSum.withUnsafeMutableBufferPointer { cellSum in
                        cellComp.withUnsafeMutableBufferPointer { cellComp in
                            for i in 0..<subjects {
                                let g = groupOf[i]
                                guard g >= 0 && g < a else { return .groupIndexOutOfRange(subject: i, group: g, groupCount: a) }
                                counts[g] += 1
                                let base = g * b
                                let first = i * b
                                for t in 0..<b {
                                    let y = scores[first + t]
                                    guard y.isFinite else {
                                        return .nonFiniteValue(subject: i, level: t, levelLabel: levelLabels[t], value: y)
                                    }
                                    let s = cellSum[base + t]
                                    let u = s + y
                                    cellComp[base + t] += abs(s) >= abs(y) ? (s - u) + y : (y - u) + s
                                    cellSum[base + t] = u
                                }
                            }
                            return nil
                        }
                    }
                }
            }
        }
        if let invalid { throw invalid }
        for j in 0..<a where counts[j] == 0 { throw .emptyGroup(group: j, label: groupLabels[j]) }
        guard subjects - a >= 1 else { throw .noErrorDegreesOfFreedom(subjects: subjects, groups: a) }

        var cellMean = [Double](repeating: 0, count: a * b)
        for j in 0..<a {
            for t in 0..<b { cellMean[j * b + t] = (cellSum[j * b + t] + cellComp[j * b + t]) / Double(counts[j]) }
        }

        // Pass 2: deviations d_it = Y_it − Ȳ_j(i)t from the cell means. Per subject with d̄_i = mean_t d_it:
        //   SS_S/A += b · d̄_i²,  SS_B×S/A += Σ_t (d_it − d̄_i)²,  E += d_i d_iᵀ (only needed when b ≥ 3).
        let needSSCP = b >= 3
        var ssSubjects = 0.0, ssResidual = 0.0
        var blockSubjects = 0.0, blockResidual = 0.0
        var sscp = [Double](repeating: 0, count: needSSCP ? b * b : 0)
        var blockSSCP = sscp
        var deviation = [Double](repeating: 0, count: b)
        let blockSize = 1024
        let bD = Double(b)
        flatValues.withUnsafeBufferPointer { scores in
            cellMean.withUnsafeBufferPointer { means in
                deviation.withUnsafeMutableBufferPointer { d in
                    blockSSCP.withUnsafeMutableBufferPointer { block in
                        sscp.withUnsafeMutableBufferPointer { total in
                            for i in 0..<subjects {
                                let base = groups[i] * b
                                let row = scores.baseAddress! + i * b
                                var sum = 0.0
                                for t in 0..<b { let v = row[t] - means[base + t]; d[t] = v; sum += v }
                                let mean = sum / bD
                                blockSubjects += mean * mean
                                var r = 0.0
                                for t in 0..<b { let e = d[t] - mean; r += e * e }
                                blockResidual += r
                                if needSSCP {
                                    for t in 0..<b {
                                        let dt = d[t]
                                        for u in t..<b { block[t * b + u] += dt * d[u] }
                                    }
                                }
                                if i % blockSize == blockSize - 1 || i == subjects - 1 {
                                    ssSubjects += blockSubjects; blockSubjects = 0
                                    ssResidual += blockResidual; blockResidual = 0
                                    if needSSCP {
                                        for k in 0..<(b * b) { total[k] += block[k]; block[k] = 0 }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        ssSubjects *= bD
        if needSSCP {
            for t in 0..<b { for u in 0..<t { sscp[t * b + u] = sscp[u * b + t] } }
        }
        return try finish(counts: counts, cellMean: cellMean, levels: b, ssSubjects: ssSubjects, ssResidual: ssResidual,
                          sscp: needSSCP ? Matrix(rows: b, columns: b, storage: sscp) : nil,
                          groupLabels: groupLabels, levelLabels: levelLabels, type: type,
                          betweenName: betweenName, withinName: withinName)
    }

    /// One group's complete cases at two levels, summarised: n, the mean at each level, and the sums of
    /// squared deviations from their means of the subjects' totals (y₁ + y₂) and differences (y₂ − y₁).
    public struct TwoLevelGroup: Sendable, Equatable {
        public var n: Int
        public var mean1: Double, mean2: Double
        public var ssTotals: Double, ssDifferences: Double

        public init(n: Int, mean1: Double, mean2: Double, ssTotals: Double, ssDifferences: Double) {
            self.n = n
            self.mean1 = mean1
            self.mean2 = mean2
            self.ssTotals = ssTotals
            self.ssDifferences = ssDifferences
        }
    }

    /// The mixed ANOVA with two levels from each group's summary (no scores): with two levels a subject's
    /// deviations from the cell means d₁, d₂ have mean (d₁ + d₂)/2 and residuals ±(d₁ − d₂)/2, so
    /// SS_S/A = Σ_j SS(totals)_j / 2 and SS_B×S/A = Σ_j SS(differences)_j / 2; everything else follows from the
    /// cell means and sizes as in ``compute(flatValues:levels:groups:groupLabels:levelLabels:type:betweenName:withinName:)``,
    /// which gives the same table up to rounding in the last bits.
    public static func compute(
        twoLevelGroups g: [TwoLevelGroup], groupLabels: [String], levelLabels: [String],
        type: SumOfSquaresType = .typeIII, betweenName: String = "group", withinName: String = "time"
    ) throws(MixedANOVAError) -> MixedANOVAResult {
        let a = groupLabels.count
        guard a >= 2 else { throw .tooFewGroups(count: a) }
        guard levelLabels.count == 2 else { throw .raggedRow(subject: 0, count: 2, expected: levelLabels.count) }
        guard g.count == a else { throw .subjectCountMismatch(values: g.count, groups: a) }
        for j in 0..<a where g[j].n == 0 { throw .emptyGroup(group: j, label: groupLabels[j]) }
        let subjects = g.reduce(0) { $0 + $1.n }
        guard subjects - a >= 1 else { throw .noErrorDegreesOfFreedom(subjects: subjects, groups: a) }
        var ssTotals = 0.0, ssDifferences = 0.0
        for group in g {
            ssTotals += group.ssTotals
            ssDifferences += group.ssDifferences
        }
        return try finish(counts: g.map(\.n), cellMean: g.flatMap { [$0.mean1, $0.mean2] }, levels: 2,
                          ssSubjects: ssTotals / 2, ssResidual: ssDifferences / 2, sscp: nil,
                          groupLabels: groupLabels, levelLabels: levelLabels, type: type,
                          betweenName: betweenName, withinName: withinName)
    }

    /// The table from the group sizes, the cell means (group-major, b per group), the two error sums of
    /// squares and, for b ≥ 3, the pooled within-group SSCP matrix.
    static func finish(
        counts: [Int], cellMean: [Double], levels b: Int, ssSubjects: Double, ssResidual: Double, sscp: Matrix?,
        groupLabels: [String], levelLabels: [String], type: SumOfSquaresType, betweenName: String, withinName: String
    ) throws(MixedANOVAError) -> MixedANOVAResult {
        let a = counts.count
        let subjects = counts.reduce(0, +)
        let bD = Double(b)

        // Marginal means from the cell means (a·b numbers: plain sums are exact enough here).
        let N = Double(subjects)
        var groupMean = [Double](repeating: 0, count: a)
        var levelMean = [Double](repeating: 0, count: b)
        var unweightedLevelMean = [Double](repeating: 0, count: b)
        for j in 0..<a {
            var s = 0.0
            for t in 0..<b { s += cellMean[j * b + t] }
            groupMean[j] = s / bD
        }
        for t in 0..<b {
            var w = 0.0, u = 0.0
            for j in 0..<a { w += Double(counts[j]) * cellMean[j * b + t]; u += cellMean[j * b + t] }
            levelMean[t] = w / N
            unweightedLevelMean[t] = u / Double(a)
        }
        var grand = 0.0
        for j in 0..<a { grand += Double(counts[j]) * groupMean[j] }
        grand /= N

        var ssA = 0.0
        for j in 0..<a { let e = groupMean[j] - grand; ssA += Double(counts[j]) * e * e }
        ssA *= bD
        var ssBWeighted = 0.0
        for t in 0..<b { let e = levelMean[t] - grand; ssBWeighted += e * e }
        ssBWeighted *= N
        var ssAB = 0.0
        for j in 0..<a {
            var s = 0.0
            for t in 0..<b {
                let e = (cellMean[j * b + t] - groupMean[j]) - (levelMean[t] - grand)
                s += e * e
            }
            ssAB += Double(counts[j]) * s
        }
        var ssBUnweighted = 0.0
        do {
            var mBar = 0.0
            for t in 0..<b { mBar += unweightedLevelMean[t] }
            mBar /= bD
            for t in 0..<b { let e = unweightedLevelMean[t] - mBar; ssBUnweighted += e * e }
            var reciprocalSum = 0.0
            for j in 0..<a { reciprocalSum += 1 / Double(counts[j]) }
            // a · ñ = a² / Σ_j (1/n_j)
            ssBUnweighted *= Double(a) * Double(a) / reciprocalSum
        }
        let ssB = type == .typeIII ? ssBUnweighted : ssBWeighted
        let ssTotal = ssA + ssSubjects + ssBWeighted + ssAB + ssResidual

        // Zero error variance: below what rounding of the scores themselves can produce.
        var sumOfSquaredScores = ssSubjects + ssResidual
        for j in 0..<a {
            for t in 0..<b { sumOfSquaredScores += Double(counts[j]) * cellMean[j * b + t] * cellMean[j * b + t] }
        }
        let noiseFloor = 256 * Double.ulpOfOne * Double.ulpOfOne * sumOfSquaredScores
        guard ssSubjects > noiseFloor else { throw .zeroErrorVariance(term: .betweenSubjects) }
        guard ssResidual > noiseFloor else { throw .zeroErrorVariance(term: .withinSubjects) }

        // Degrees of freedom and error terms.
        let dfA = Double(a - 1), dfB = Double(b - 1), dfAB = Double((a - 1) * (b - 1))
        let nu = subjects - a
        let dfErrorBetween = Double(nu), dfErrorWithin = Double(nu * (b - 1))
        let errorBetween = ANOVAErrorTerm(ss: ssSubjects, df: dfErrorBetween)
        let errorWithin = ANOVAErrorTerm(ss: ssResidual, df: dfErrorWithin)

        // Sphericity.
        let sphericity = sscp.flatMap { Self.sphericity(sscp: $0, levels: b, nu: nu) }

        func effect(_ name: String, ss: Double, df1: Double, error: ANOVAErrorTerm, within: Bool) -> ANOVAEffect {
            let ms = ss / df1
            let f = ms / error.ms
            let p = FisherF.sf(f, d1: df1, d2: error.df)
            let partial = ss / (ss + error.ss)
            var pGG: Double? = nil, pHF: Double? = nil
            if within, let s = sphericity {
                let gg = s.greenhouseGeisserEpsilon, hf = s.huynhFeldtEpsilon
                pGG = FisherF.sf(f, d1: df1 * gg, d2: error.df * gg)
                pHF = FisherF.sf(f, d1: df1 * hf, d2: error.df * hf)
            }
            return ANOVAEffect(
                name: name, ss: ss, df1: df1, df2: error.df, ms: ms, f: f, p: p,
                partialEtaSquared: partial,
                generalizedEtaSquared: ss / (ss + ssSubjects + ssResidual),
                etaSquared: ss / ssTotal,
                sizeLabel: ANOVAEffect.sizeLabel(partialEtaSquared: partial),
                pGreenhouseGeisser: pGG, pHuynhFeldt: pHF)
        }

        var means: [[Double]] = []
        means.reserveCapacity(a)
        for j in 0..<a { means.append(Array(cellMean[(j * b)..<(j * b + b)])) }

        return MixedANOVAResult(
            type: type, groupLabels: groupLabels, levelLabels: levelLabels, groupSizes: counts,
            n: subjects, levels: b, groups: a, cellMeans: means,
            between: effect(betweenName, ss: ssA, df1: dfA, error: errorBetween, within: false),
            within: effect(withinName, ss: ssB, df1: dfB, error: errorWithin, within: true),
            interaction: effect("\(betweenName) × \(withinName)", ss: ssAB, df1: dfAB, error: errorWithin, within: true),
            errorBetween: errorBetween, errorWithin: errorWithin, ssTotal: ssTotal, sphericity: sphericity)
    }

    /// Mauchly's test and the ε estimates from the pooled within-group SSCP matrix E (b × b) with ν = N − a
    /// error degrees of freedom. Nil when S = P E Pᵀ/ν is singular (in particular when ν < b − 1).
    static func sphericity(sscp: Matrix, levels b: Int, nu: Int) -> SphericityResult? {
        let p = b - 1
        guard nu >= p else { return nil }
        let contrasts = Matrix.orthonormalHelmertContrasts(levels: b)
        let s = contrasts * sscp * contrasts.transposed * (1 / Double(nu))
        let pD = Double(p), nuD = Double(nu)
        let trace = s.trace
        let det = s.determinant
        guard det > 0, trace > 0 else { return nil }
        let logW = log(det) - pD * log(trace / pD)
        let w = exp(logW)

        let f = 1 - (2 * pD * pD + pD + 2) / (6 * pD * nuD)
        let chiSquare = max(0, -nuD * f * logW)
        let df = pD * (pD + 1) / 2 - 1
        let p1 = ChiSquared.sf(chiSquare, df: df)
        let p2 = ChiSquared.sf(chiSquare, df: df + 4)
        let w2 = (pD + 2) * (pD - 1) * (pD - 2) * (2 * pD * pD * pD + 6 * pD * pD + 3 * Double(b) + 2)
            / (288 * (nuD * pD * f) * (nuD * pD * f))
        let pValue = p1 + w2 * (p2 - p1)

        let gg = trace * trace / (pD * s.traceOfSquare(symmetric: true))
        let hfDenominator = pD * (nuD - pD * gg)
        let hf = hfDenominator > 0 ? ((nuD + 1) * pD * gg - 2) / hfDenominator : .infinity
        return SphericityResult(
            mauchlyW: w, chiSquare: chiSquare, df: df, p: pValue,
            greenhouseGeisserEpsilon: gg, huynhFeldtEpsilon: min(1, hf), huynhFeldtEpsilonUncapped: hf,
            lowerBoundEpsilon: 1 / pD)
    }
}

/// The full mixed-ANOVA table. Every number keeps full double precision.
public struct MixedANOVAResult: Sendable, Codable, Equatable {
    /// Sums of squares used for the within main effect.
    public var type: SumOfSquaresType
    public var groupLabels: [String]
    public var levelLabels: [String]
    /// n_j, in the order of `groupLabels`.
    public var groupSizes: [Int]
    /// N, the number of subjects (complete cases).
    public var n: Int
    /// b, the number of within-subject levels.
    public var levels: Int
    /// a, the number of groups.
    public var groups: Int
    /// Ȳ_jt: `cellMeans[j][t]` is the mean of group j at level t.
    public var cellMeans: [[Double]]
    /// The between-subjects main effect A, tested against the between-subjects error S/A.
    public var between: ANOVAEffect
    /// The within-subjects main effect B (Type II or III as `type`), tested against B×S/A.
    public var within: ANOVAEffect
    /// The A × B interaction, tested against B×S/A.
    public var interaction: ANOVAEffect
    /// S/A: subjects within groups, df N − a.
    public var errorBetween: ANOVAErrorTerm
    /// B × S/A: df (N − a)(b − 1).
    public var errorWithin: ANOVAErrorTerm
    /// Σ (Y_ijt − Ȳ)², df N·b − 1. Equals the sum of the five Type II parts; under Type III the parts do
    /// not add up to it when the groups are unequal.
    public var ssTotal: Double
    /// Mauchly's test and the ε corrections. Nil when b = 2 (ε = 1; Mauchly's test is undefined), and when
    /// the pooled contrast covariance matrix is singular (N − a < b − 1, or degenerate data).
    public var sphericity: SphericityResult?

    public init(type: SumOfSquaresType, groupLabels: [String], levelLabels: [String], groupSizes: [Int], n: Int,
                levels: Int, groups: Int, cellMeans: [[Double]], between: ANOVAEffect, within: ANOVAEffect,
                interaction: ANOVAEffect, errorBetween: ANOVAErrorTerm, errorWithin: ANOVAErrorTerm, ssTotal: Double,
                sphericity: SphericityResult?) {
        self.type = type
        self.groupLabels = groupLabels
        self.levelLabels = levelLabels
        self.groupSizes = groupSizes
        self.n = n
        self.levels = levels
        self.groups = groups
        self.cellMeans = cellMeans
        self.between = between
        self.within = within
        self.interaction = interaction
        self.errorBetween = errorBetween
        self.errorWithin = errorWithin
        self.ssTotal = ssTotal
        self.sphericity = sphericity
    }
}

/// One effect row of an ANOVA table.
public struct ANOVAEffect: Sendable, Codable, Equatable {
    public var name: String
    public var ss: Double
    /// Numerator degrees of freedom (uncorrected).
    public var df1: Double
    /// Denominator degrees of freedom: those of the effect's error term (uncorrected).
    public var df2: Double
    /// SS / df1.
    public var ms: Double
    /// MS_effect / MS_error.
    public var f: Double
    /// Upper tail of F(df1, df2) at `f`, assuming sphericity.
    public var p: Double
    /// η²p = SS_effect / (SS_effect + SS_error of this effect). SPSS's "Partial Eta Squared", afex `pes`.
    public var partialEtaSquared: Double
    /// η²G = SS_effect / (SS_effect + SS_S/A + SS_B×S/A), all factors manipulated (Olejnik & Algina 2003,
    /// doi:10.1037/1082-989X.8.4.434; Bakeman 2005, doi:10.3758/BF03192707). afex `ges`.
    public var generalizedEtaSquared: Double
    /// Classical η² = SS_effect / SS_total.
    public var etaSquared: Double
    /// Cohen's (1988) benchmarks for η² applied to the **partial** η² (`partialEtaSquared`):
    /// "negligible" below .01, "small" from .01, "medium" from .06, "large" from .14.
    public var sizeLabel: String
    /// p with both dfs multiplied by the Greenhouse–Geisser ε̂. Nil for the between effect, when b = 2
    /// (no correction applies: ε = 1) and when `sphericity` is nil.
    public var pGreenhouseGeisser: Double?
    /// p with both dfs multiplied by the Huynh–Feldt ε̃ (Lecoutre form) capped at 1. Nil as
    /// `pGreenhouseGeisser`.
    public var pHuynhFeldt: Double?

    public init(name: String, ss: Double, df1: Double, df2: Double, ms: Double, f: Double, p: Double,
                partialEtaSquared: Double, generalizedEtaSquared: Double, etaSquared: Double, sizeLabel: String,
                pGreenhouseGeisser: Double?, pHuynhFeldt: Double?) {
        self.name = name
        self.ss = ss
        self.df1 = df1
        self.df2 = df2
        self.ms = ms
        self.f = f
        self.p = p
        self.partialEtaSquared = partialEtaSquared
        self.generalizedEtaSquared = generalizedEtaSquared
        self.etaSquared = etaSquared
        self.sizeLabel = sizeLabel
        self.pGreenhouseGeisser = pGreenhouseGeisser
        self.pHuynhFeldt = pHuynhFeldt
    }

    /// The size label for a partial η² (thresholds .01 / .06 / .14; Cohen 1988, *Statistical Power Analysis
    /// for the Behavioral Sciences*, 2nd ed.).
    public static func sizeLabel(partialEtaSquared eta: Double) -> String {
        if eta >= 0.14 { return "large" }
        if eta >= 0.06 { return "medium" }
        if eta >= 0.01 { return "small" }
        return "negligible"
    }
}

/// An error term of an ANOVA table.
public struct ANOVAErrorTerm: Sendable, Codable, Equatable {
    public var ss: Double
    public var df: Double
    /// SS / df.
    public var ms: Double

    public init(ss: Double, df: Double) {
        self.ss = ss
        self.df = df
        self.ms = ss / df
    }
}

/// Mauchly's test of sphericity and the sphericity corrections, computed from the pooled within-group
/// covariance of orthonormal contrasts (see ``MixedANOVA`` for the formulas).
public struct SphericityResult: Sendable, Codable, Equatable {
    /// W = det(S) / (tr(S)/p)^p, 0 < W ≤ 1.
    public var mauchlyW: Double
    /// −(ν − (2p² + p + 2)/(6p)) · ln W.
    public var chiSquare: Double
    /// p(p + 1)/2 − 1.
    public var df: Double
    /// χ² tail probability with Anderson's second-order term, exactly as R (`mauchly.test`, car) and
    /// pingouin compute it, including their use of the number of levels b in the "3b" term.
    public var p: Double
    /// Greenhouse–Geisser ε̂ = tr(S)² / (p · tr(S²)), between 1/p and 1.
    public var greenhouseGeisserEpsilon: Double
    /// Huynh–Feldt ε̃ in Lecoutre's (1991) corrected form as R car and afex compute it,
    /// ((ν + 1) p ε̂ − 2) / (p (ν − p ε̂)), capped at 1 (SPSS uses the uncorrected 1976 form, with N in place
    /// of ν + 1).
    public var huynhFeldtEpsilon: Double
    /// The same ε̃ before capping (car prints this value; it can exceed 1). +∞ in the degenerate case
    /// ν = p with ε̂ = 1.
    public var huynhFeldtEpsilonUncapped: Double
    /// 1 / p = 1 / (b − 1).
    public var lowerBoundEpsilon: Double

    public init(mauchlyW: Double, chiSquare: Double, df: Double, p: Double, greenhouseGeisserEpsilon: Double,
                huynhFeldtEpsilon: Double, huynhFeldtEpsilonUncapped: Double, lowerBoundEpsilon: Double) {
        self.mauchlyW = mauchlyW
        self.chiSquare = chiSquare
        self.df = df
        self.p = p
        self.greenhouseGeisserEpsilon = greenhouseGeisserEpsilon
        self.huynhFeldtEpsilon = huynhFeldtEpsilon
        self.huynhFeldtEpsilonUncapped = huynhFeldtEpsilonUncapped
        self.lowerBoundEpsilon = lowerBoundEpsilon
    }
}

/// Why a mixed ANOVA could not be computed.
public enum MixedANOVAError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer than two group labels.
    case tooFewGroups(count: Int)
    /// Fewer than two level labels.
    case tooFewLevels(count: Int)
    /// `values` and `groups` have different lengths.
    case subjectCountMismatch(values: Int, groups: Int)
    /// `groups[subject]` is not an index into `groupLabels`.
    case groupIndexOutOfRange(subject: Int, group: Int, groupCount: Int)
    /// `values[subject]` does not have one score per level.
    case raggedRow(subject: Int, count: Int, expected: Int)
    /// `values[subject][level]` is NaN or infinite.
    case nonFiniteValue(subject: Int, level: Int, levelLabel: String, value: Double)
    /// A group has no subjects.
    case emptyGroup(group: Int, label: String)
    /// N − a < 1: every group has a single subject, so there is no between-subjects error.
    case noErrorDegreesOfFreedom(subjects: Int, groups: Int)
    /// An error term has zero sum of squares, so F is undefined.
    case zeroErrorVariance(term: ErrorTerm)

    public enum ErrorTerm: String, Sendable, Codable {
        case betweenSubjects = "between-subjects (subjects within groups)"
        case withinSubjects = "within-subjects (level × subjects within groups)"
    }

    public var description: String {
        switch self {
        case .tooFewGroups(let count):
            return "mixed ANOVA needs at least 2 groups; got \(count)"
        case .tooFewLevels(let count):
            return "mixed ANOVA needs at least 2 within-subject levels; got \(count)"
        case .subjectCountMismatch(let values, let groups):
            return "values has \(values) subjects but groups has \(groups) entries; expected one group index per subject"
        case .groupIndexOutOfRange(let subject, let group, let groupCount):
            return "subject at index \(subject) has group index \(group); expected 0..<\(groupCount)"
        case .raggedRow(let subject, let count, let expected):
            return "subject at index \(subject) has \(count) scores; expected \(expected), one per level (complete cases only)"
        case .nonFiniteValue(let subject, let level, let label, let value):
            return "subject at index \(subject) has the non-finite score \(value) at level \(level) (\(label)); expected a finite number"
        case .emptyGroup(let group, let label):
            return "group \(group) (\(label)) has no subjects; expected at least 1"
        case .noErrorDegreesOfFreedom(let subjects, let groups):
            return "\(subjects) subjects in \(groups) groups leave N − a = \(subjects - groups) error degrees of freedom; expected at least 1 (a group with 2 or more subjects)"
        case .zeroErrorVariance(let term):
            return "the \(term.rawValue) error sum of squares is zero, so F is undefined; expected scores that vary"
        }
    }
}
