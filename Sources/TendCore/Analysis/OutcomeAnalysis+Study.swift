import Foundation

extension OutcomeAnalysis {
    /// Shapiro–Wilk is defined for 3 ≤ n ≤ 5000 (R's limits).
    static let shapiroRange = 3...5000

    // MARK: - Baseline table (seed 000 Table 2)

    /// `measureRows[k]`, when given, is the row of measure `measureIndices[k]` already computed from its sums.
    static func baselineTable(context c: Context, measureIndices: [Int], measureRows: [BaselineRow?],
                              notes: inout [String]) -> BaselineTable {
        let table = c.table
        let arms = c.activeArms
        var rows: [BaselineRow] = []
        for (k, m) in measureIndices.enumerated() {
            if let row = measureRows[k] { rows.append(row); continue }
            var groups = [[Double]](repeating: [], count: arms.count)
            for p in 0..<table.participantCount {
                let a = table.armOfParticipant[p]
                guard a >= 0, let g = arms.firstIndex(of: Int(a)) else { continue }
                let v = table.scores[m][c.pre][p]
                if !v.isNaN { groups[g].append(v) }
            }
            rows.append(continuousRow(variable: "\(table.measures[m]) (\(table.timepoints[c.pre]))", groups: groups, arms: arms.map { table.arms[$0] }))
        }
        for (k, name) in table.covariateNames.enumerated() {
            var texts = [[String]](repeating: [], count: arms.count)
            for p in 0..<table.participantCount {
                let a = table.armOfParticipant[p]
                guard a >= 0, let g = arms.firstIndex(of: Int(a)), let v = table.covariates[k][p] else { continue }
                texts[g].append(v)
            }
            let numeric = texts.allSatisfy { $0.allSatisfy { Double($0) != nil } }
            if numeric {
                rows.append(continuousRow(variable: name, groups: texts.map { $0.compactMap(Double.init) }, arms: arms.map { table.arms[$0] }))
            } else {
                rows.append(categoricalRow(variable: name, values: texts, arms: arms.map { table.arms[$0] }))
            }
        }
        return BaselineTable(arms: arms.map { table.arms[$0] }, rows: rows)
    }

    static func continuousRow(variable: String, groups: [[Double]], arms: [String]) -> BaselineRow {
        var normality: [NormalityCheck] = []
        var anyRejects = false
        for (g, values) in groups.enumerated() {
            if shapiroRange.contains(values.count) {
                do {
                    let sw = try ShapiroWilk.test(values)
                    normality.append(NormalityCheck(arm: arms[g], n: values.count, w: sw.w, p: sw.p, note: nil))
                    if sw.p < 0.05 { anyRejects = true }
                } catch {
                    normality.append(NormalityCheck(arm: arms[g], n: values.count, w: nil, p: nil, note: "\(error)"))
                    anyRejects = true
                }
            } else {
                normality.append(NormalityCheck(arm: arms[g], n: values.count, w: nil, p: nil, note: normalityNote(n: values.count)))
                if values.count < 3 { anyRejects = true }
            }
        }
        let usable = groups.filter { !$0.isEmpty }
        var ranks: [Double]? = nil
        var row = BaselineRow(variable: variable, kind: "continuous", groups: [], summary: nil, normality: normality,
                              levene: nil, test: "", statistic: nil, df: [], p: nil, levels: nil, counts: nil, note: nil)
        if usable.count >= 2 {
            row.levene = try? LeveneTest.test(groups: usable, center: .mean)
        }
        if anyRejects {
            row.summary = "mean rank"
            if usable.count >= 2, let kw = try? KruskalWallis.test(groups: usable) {
                row.test = "Kruskal–Wallis H"
                row.statistic = kw.hCorrected; row.df = [Double(kw.df)]; row.p = kw.p
                var it = kw.meanRanks.makeIterator()
                ranks = groups.map { $0.isEmpty ? .nan : (it.next() ?? .nan) }
            } else {
                row.test = "none"
                row.note = "too few values for a test between arms"
            }
        } else {
            row.summary = "mean (SD)"
            if usable.count >= 2, let f = try? OneWayANOVA.test(groups: usable) {
                row.test = "ANOVA F"
                row.statistic = f.f; row.df = [Double(f.dfBetween), Double(f.dfWithin)]; row.p = f.p
            } else {
                row.test = "none"
                row.note = "too few values for a test between arms"
            }
        }
        row.groups = groups.enumerated().map { g, values in
            BaselineGroup(arm: arms[g], n: values.count, mean: Descriptive.mean(values),
                          sd: Descriptive.standardDeviation(values),
                          meanRank: ranks.flatMap { $0[g].isNaN ? nil : $0[g] })
        }
        return row
    }

    /// Why Shapiro–Wilk was not run on a group of n values (n outside `shapiroRange`).
    static func normalityNote(n: Int) -> String {
        n < 3
            ? "n = \(n): Shapiro–Wilk needs at least 3"
            : "n = \(n): above 5000, where Shapiro–Wilk is not defined; treated as normal (Tend convention: large-sample means)"
    }

    static func categoricalRow(variable: String, values: [[String]], arms: [String]) -> BaselineRow {
        var levels: [String] = []
        for group in values { for v in group where !levels.contains(v) { levels.append(v) } }
        levels.sort()
        let counts = levels.map { level in values.map { group in group.filter { $0 == level }.count } }
        var row = BaselineRow(variable: variable, kind: "categorical", groups: [], summary: "count", normality: [],
                              levene: nil, test: "none", statistic: nil, df: [], p: nil, levels: levels, counts: counts, note: nil)
        guard levels.count >= 2 else { row.note = "only one category"; return row }
        let (test, statistic, df, p, note) = independenceTest(counts)
        row.test = test; row.statistic = statistic; row.df = df; row.p = p; row.note = note
        return row
    }

    /// Pearson χ² for an r × c table, or the exact Fisher / Freeman–Halton test when any expected count
    /// is below 5 (Cochran's rule).
    static func independenceTest(_ counts: [[Int]]) -> (String, Double?, [Double], Double?, String?) {
        do {
            let chi = try ChiSquareTest.pearson(table: counts, yatesCorrection: false)
            if chi.cellsWithExpectedBelow5 > 0 {
                do {
                    let exact = try FisherExactTest.twoSided(table: counts)
                    return (exact.method, nil, [], exact.p,
                            "\(chi.cellsWithExpectedBelow5) expected count\(chi.cellsWithExpectedBelow5 == 1 ? "" : "s") below 5, so the exact test; Pearson χ²(\(fmtDF(chi.df))) = \(fmtStat(chi.statistic)), p = \(Fmt.p(chi.p))")
                } catch {
                    return ("Pearson χ²", chi.statistic, [chi.df], chi.p, "expected counts below 5 but the exact test could not run: \(error)")
                }
            }
            return ("Pearson χ²", chi.statistic, [chi.df], chi.p, nil)
        } catch {
            return ("none", nil, [], nil, "\(error)")
        }
    }

    static func fmtStat(_ x: Double) -> String { String(format: "%.3f", x) }
    static func fmtDF(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.2f", x) }

    // MARK: - Drop-out by arm

    /// Drop-out among participants with an arm and a pre score (`presence` from `presenceCounts`).
    static func dropoutAnalysis(context c: Context, presence: PresenceCounts) -> DropoutAnalysis {
        let table = c.table
        let baseline = presence.baselineByArm, completed = presence.completedByArm
        let arms = c.activeArms.map { a in
            DropoutArm(arm: table.arms[a], baseline: baseline[a], completed: completed[a],
                       droppedOut: baseline[a] - completed[a],
                       rate: baseline[a] > 0 ? Double(baseline[a] - completed[a]) / Double(baseline[a]) : .nan)
        }
        let totalBaseline = arms.reduce(0) { $0 + $1.baseline }, totalCompleted = arms.reduce(0) { $0 + $1.completed }
        let total = DropoutArm(arm: "all", baseline: totalBaseline, completed: totalCompleted,
                               droppedOut: totalBaseline - totalCompleted,
                               rate: totalBaseline > 0 ? Double(totalBaseline - totalCompleted) / Double(totalBaseline) : .nan)
        var result = DropoutAnalysis(arms: arms, total: total, chiSquare: nil, exact: nil, note: nil)
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

    // MARK: - Feasibility

    static func feasibilityAnalysis(context c: Context, presence: PresenceCounts, notes: inout [String]) -> FeasibilityAnalysis? {
        let options = c.options
        guard options.funnel != nil || !options.criteria.isEmpty else { return nil }
        let table = c.table
        var funnel = options.funnel ?? FunnelCounts()
        var sources: [String: String] = [:]
        for stage in FunnelCounts.stages where funnel.count(stage) != nil { sources[stage] = "--funnel" }
        // Baseline and completed follow from the data when not given.
        let dataBaseline = presence.baseline, dataCompleted = presence.completed
        if let given = funnel.baseline {
            if given != dataBaseline { notes.append("--funnel baseline=\(given), but \(dataBaseline) participants have a \(table.timepoints[c.pre]) score in the file; the given count is used") }
        } else { funnel.baseline = dataBaseline; sources["baseline"] = "participants with a \(table.timepoints[c.pre]) score" }
        if let given = funnel.completed {
            if given != dataCompleted { notes.append("--funnel completed=\(given), but \(dataCompleted) participants have both \(table.timepoints[c.pre]) and \(table.timepoints[c.post]) scores in the file; the given count is used") }
        } else { funnel.completed = dataCompleted; sources["completed"] = "participants with \(table.timepoints[c.pre]) and \(table.timepoints[c.post]) scores" }

        var pairs: [(String, String)] = [("agreed", "approached"), ("baseline", "approached"), ("baseline", "agreed"), ("completed", "baseline")]
        for criterion in options.criteria where !pairs.contains(where: { $0 == (criterion.numerator, criterion.denominator) }) {
            pairs.append((criterion.numerator, criterion.denominator))
        }
        var rates: [FeasibilityRate] = []
        for (num, den) in pairs {
            guard let x = funnel.count(num), let n = funnel.count(den) else {
                if options.criteria.contains(where: { $0.numerator == num && $0.denominator == den }) {
                    notes.append("criterion \(num)/\(den): the funnel has no \(funnel.count(num) == nil ? num : den) count; pass --funnel \(funnel.count(num) == nil ? num : den)=N")
                }
                continue
            }
            guard n > 0, x <= n else {
                notes.append("rate \(num)/\(den) = \(x)/\(n) is not a proportion; left out")
                continue
            }
            let interval = ProportionInterval.wilson(successes: x, trials: n, level: 0.95)
            var rate = FeasibilityRate(numerator: num, denominator: den, interval: interval, threshold: nil, met: nil, metByLowerBound: nil)
            if let criterion = options.criteria.first(where: { $0.numerator == num && $0.denominator == den }) {
                rate.threshold = criterion.threshold
                rate.met = interval.estimate >= criterion.threshold
                rate.metByLowerBound = interval.lower >= criterion.threshold
            }
            rates.append(rate)
        }
        return FeasibilityAnalysis(funnel: funnel, sources: sources, rates: rates)
    }
}

extension ClinsigRowCounts {
    mutating func add(_ category: ReliableChangeCategory, _ count: Int = 1) {
        switch category {
        case .improved: improvement += count
        case .deteriorated: deterioration += count
        case .unchanged: noChange += count
        }
    }
}
