import Foundation

/// Attrition by arm and feasibility funnel rates for a study, from its CONSORT flow or screening log.
/// Uses the result types of `OutcomeAnalysis` (`DropoutAnalysis`, `FeasibilityAnalysis`) so the study
/// pages and `tend analyse` print the same things.
public enum StudyAttrition {
    /// Drop-out by arm: among participants who attended baseline, those without a post assessment.
    ///
    /// ```
    /// rate_k = (baseline_k − completed_k) / baseline_k
    /// table rows = arms, columns = (dropped out, completed);  Pearson X² = Σ (O − E)²/E, df = (k − 1)
    /// ```
    ///
    /// Pearson χ² without continuity correction (Pearson 1900, doi:10.1080/14786440009463897), and the
    /// Fisher / Freeman–Halton exact test as well when any expected count is below 5 (Cochran's rule).
    /// The table is the one consistent with the flow (statistics.md §11.1: seed 000 gives χ²(2) = 1.694153,
    /// p = .428666 on N = 47), not the completers-as-totals table the paper reported.
    public static func byArm(_ flow: ConsortFlow) -> DropoutAnalysis {
        let arms = flow.arms.map { a in
            DropoutArm(arm: a.arm, baseline: a.attendedBaseline, completed: a.completedPost,
                       droppedOut: a.attendedBaseline - a.completedPost,
                       rate: a.attendedBaseline > 0 ? Double(a.attendedBaseline - a.completedPost) / Double(a.attendedBaseline) : .nan)
        }
        let baseline = arms.reduce(0) { $0 + $1.baseline }, completed = arms.reduce(0) { $0 + $1.completed }
        let total = DropoutArm(arm: "all", baseline: baseline, completed: completed, droppedOut: baseline - completed,
                               rate: baseline > 0 ? Double(baseline - completed) / Double(baseline) : .nan)
        var result = DropoutAnalysis(arms: arms, total: total, chiSquare: nil, exact: nil, note: nil)
        guard arms.count >= 2 else {
            result.note = "one arm: no comparison between arms"
            return result
        }
        let counts = arms.map { [$0.droppedOut, $0.completed] }
        do {
            let chi = try ChiSquareTest.pearson(table: counts, yatesCorrection: false)
            result.chiSquare = chi
            if chi.cellsWithExpectedBelow5 > 0 {
                do { result.exact = try FisherExactTest.twoSided(table: counts) }
                catch { result.note = "expected counts below 5, but the exact test could not run: \(error)" }
            }
        } catch {
            result.note = "no test: \(error)"
        }
        return result
    }

    /// Funnel counts from the screening log: approached = every record, agreed = `agreed == true`,
    /// baseline = allocated and attended baseline, completed = attended baseline and completed post.
    public static func funnel(_ records: [ScreeningRecord]) -> FunnelCounts {
        let baseline = records.filter { $0.allocatedArm != nil && $0.attendedBaseline }
        return FunnelCounts(approached: records.count, agreed: records.filter { $0.agreed == true }.count,
                            baseline: baseline.count, completed: baseline.filter(\.completedPost).count)
    }

    /// Funnel rates with Wilson 95 % intervals, judged against feasibility criteria.
    ///
    /// ```
    /// p̂ = x/n;  Wilson centre = (x + z²/2)/(n + z²);  half-width = z·√(p̂(1 − p̂)n + z²/4)/(n + z²)
    /// met = p̂ ≥ threshold;  metByLowerBound = Wilson lower ≥ threshold
    /// ```
    ///
    /// The standard rates (agreed/approached, baseline/approached, baseline/agreed, completed/baseline)
    /// are always reported; each criterion names its own denominator (statistics.md §10). Wilson (1927),
    /// doi:10.1080/01621459.1927.10502953; Eldridge et al. (2016), doi:10.1136/bmj.i5239.
    ///
    /// - Throws: `InputError` for a criterion naming an unknown stage or a threshold outside 0…1.
    public static func feasibility(_ funnel: FunnelCounts, criteria: [FeasibilityCriterion], level: Double = 0.95)
        throws(InputError) -> FeasibilityAnalysis
    {
        var pairs: [(String, String)] = [("agreed", "approached"), ("baseline", "approached"), ("baseline", "agreed"), ("completed", "baseline")]
        for (i, c) in criteria.enumerated() {
            for (field, stage) in [("numerator", c.numerator), ("denominator", c.denominator)] where !FunnelCounts.stages.contains(stage) {
                throw InputError(field: "criteria[\(i)].\(field)", value: stage, expected: "one of \(FunnelCounts.stages.joined(separator: ", "))")
            }
            guard c.threshold >= 0, c.threshold <= 1 else {
                throw InputError(field: "criteria[\(i)].threshold", value: "\(c.threshold)", expected: "a proportion from 0 to 1")
            }
            if !pairs.contains(where: { $0 == (c.numerator, c.denominator) }) { pairs.append((c.numerator, c.denominator)) }
        }
        var rates: [FeasibilityRate] = []
        for (num, den) in pairs {
            guard let x = funnel.count(num), let n = funnel.count(den), n > 0, x <= n else { continue }
            let interval = ProportionInterval.wilson(successes: x, trials: n, level: level)
            var rate = FeasibilityRate(numerator: num, denominator: den, interval: interval, threshold: nil, met: nil, metByLowerBound: nil)
            if let c = criteria.first(where: { $0.numerator == num && $0.denominator == den }) {
                rate.threshold = c.threshold
                rate.met = interval.estimate >= c.threshold
                rate.metByLowerBound = interval.lower >= c.threshold
            }
            rates.append(rate)
        }
        var sources: [String: String] = [:]
        for stage in FunnelCounts.stages where funnel.count(stage) != nil { sources[stage] = "screening log" }
        return FeasibilityAnalysis(funnel: funnel, sources: sources, rates: rates)
    }
}
